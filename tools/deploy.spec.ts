import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';

/** Static validation of deploy/ (no Docker engine or cluster on the development machines). */
const ROOT = join(__dirname, '..');
const SERVICES = ['storage', 'sources', 'crawler', 'analysis', 'recommender', 'gateway'];

interface K8sDoc {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

describe('deploy manifests', () => {
  const docs = loadAll(readFileSync(join(ROOT, 'deploy/k8s/autoglm.yaml'), 'utf8')).filter(Boolean) as K8sDoc[];
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);

  it('has a Deployment and a Service for every service, ports and selectors matching', () => {
    for (const name of SERVICES) {
      const deployment = byKind('Deployment').find((d) => d.metadata.name === name);
      const service = byKind('Service').find((d) => d.metadata.name === name);
      expect(deployment).toBeDefined();
      expect(service).toBeDefined();
      const template = (deployment!.spec['template'] as { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ ports: Array<{ containerPort: number }>; env: Array<{ name: string; value?: string }> }> } });
      const selector = (deployment!.spec['selector'] as { matchLabels: Record<string, string> }).matchLabels;
      expect(template.metadata.labels).toMatchObject(selector);
      expect(service!.spec['selector']).toEqual(selector);
      const containerPort = template.spec.containers[0].ports[0].containerPort;
      expect((service!.spec['ports'] as Array<{ targetPort: number }>)[0].targetPort).toBe(containerPort);
      const app = template.spec.containers[0].env.find((e) => e.name === 'APP')?.value;
      expect(app).toBe(name);
      expect(existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))).toBe(true);
    }
  });

  it('gives every service the shared gRPC token and probes the gRPC services with the gRPC health protocol', () => {
    for (const name of SERVICES) {
      const deployment = byKind('Deployment').find((d) => d.metadata.name === name)!;
      const [container] = (deployment.spec['template'] as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers;
      expect(container!['envFrom']).toContainEqual({ secretRef: { name: 'autoglm-grpc' } });
      if (name === 'gateway') continue;
      const port = (container!['ports'] as Array<{ containerPort: number }>)[0]!.containerPort;
      expect(container!['readinessProbe']).toMatchObject({ grpc: { port } });
    }
  });

  it('autoscales and protects every stateless service', () => {
    for (const name of SERVICES.filter((s) => s !== 'storage')) {
      const hpa = byKind('HorizontalPodAutoscaler').find((d) => d.metadata.name === name);
      expect((hpa!.spec['scaleTargetRef'] as { name: string }).name).toBe(name);
      expect(byKind('PodDisruptionBudget').some((d) => d.metadata.name === name)).toBe(true);
    }
  });

  it('compose runs every service from the one image with the gRPC addresses wired', () => {
    const compose = load(readFileSync(join(ROOT, 'deploy/compose/docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    for (const name of SERVICES) {
      const env = compose.services[name].environment!;
      expect(env['APP']).toBe(name);
      for (const s of SERVICES.filter((x) => x !== 'gateway')) expect(env[`GRPC_${s.toUpperCase()}_URL`]).toMatch(/:\d+$/);
      // Distributed services refuse to start without it; compose refuses to start without it being exported.
      expect(env['GRPC_AUTH_TOKEN']).toMatch(/^\$\{GRPC_AUTH_TOKEN:\?/);
    }
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/dist\/apps\/\$\{APP\}\/src\/main\.js/);
    expect(dockerfile).toMatch(/npm ci/);
  });
});
