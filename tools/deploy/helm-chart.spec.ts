import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { load } from 'js-yaml';
import { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES } from '@autoglm/shared-queue';
import type { OpsProcessName, ServiceName } from '@autoglm/shared-config';
import { configEnvNames, configFromEnv, unknownEnvNames } from './config-env';
import { healthServerStatuses } from './health-server';
import { ChartError, renderChart, type RenderedChart } from './helm-chart';
import { loadFieldLists, unknownFields } from './k8s-fields';
import { schemaProblem } from './k8s-schemas';

/** Static checks of deploy/helm/autoglm: rendered as `helm template` would, then checked against the Kubernetes schemas. */
const ROOT = join(__dirname, '..', '..');
const CHART = join(ROOT, 'deploy/helm/autoglm');
const SERVICES = ['gateway', 'storage', 'sources', 'crawler', 'analysis', 'recommender'];
const QUEUE_WORKERS: Record<string, string> = { crawler: QUEUE_NAMES.crawl, analysis: QUEUE_NAMES.analyze };
const CREDENTIALS = {
  secrets: { databaseUrl: 'postgres://autoglm:pw@postgres:5432/autoglm', redisUrl: 'redis://redis:6379', grpcAuthToken: 'k'.repeat(48) },
};

function render(...values: Array<Record<string, unknown>>): RenderedChart {
  return renderChart(CHART, { values: [CREDENTIALS, ...values], release: { name: 'news', namespace: 'autoglm' } });
}

function kinds<T>(chart: RenderedChart, kind: string): T[] {
  return chart.manifests.filter((m) => m['kind'] === kind) as T[];
}

function named<T extends { metadata?: { name?: string } }>(items: T[], name: string): T {
  const found = items.find((i) => i.metadata?.name === name);
  if (!found) throw new Error(`no ${name} among ${items.map((i) => i.metadata?.name).join(', ')}`);
  return found;
}

function containerOf(deployment: IDeployment) {
  const [container] = deployment.spec!.template.spec!.containers;
  return container;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Object.keys(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

/** Values of the credentials a process reads from the Secret (it only checks their form). */
const SECRET_PLACEHOLDERS: Record<string, string> = {
  DATABASE_URL: CREDENTIALS.secrets.databaseUrl,
  REDIS_URL: CREDENTIALS.secrets.redisUrl,
  GRPC_AUTH_TOKEN: CREDENTIALS.secrets.grpcAuthToken,
  LLM_API_KEY: 'llm-key',
};

/** The environment of a Deployment's container as Kubernetes gives it: the ConfigMap, then the container's own variables. */
function processEnv(chart: RenderedChart, deployment: IDeployment): Record<string, string> {
  const [configMap] = kinds<IConfigMap>(chart, 'ConfigMap');
  const env: Record<string, string> = { ...configMap.data };
  for (const variable of containerOf(deployment).env ?? []) {
    const key = variable.valueFrom?.secretKeyRef?.key;
    env[variable.name] = key ? SECRET_PLACEHOLDERS[key] : variable.value!;
  }
  return env;
}

/**
 * Where the chart's probes and Prometheus annotations point that the process does not serve: the port is
 * compared with the health port its configuration reads from that environment (HEALTH_PORT), the paths with
 * the chart's health values (which the real health server is checked to answer).
 */
function healthMismatches(chart: RenderedChart, deployment: IDeployment): string[] {
  const container = containerOf(deployment);
  const config = configFromEnv(processEnv(chart, deployment));
  const port = config.observability.healthPorts[container.name as OpsProcessName];
  const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
  const health = chart.values['health'] as { livenessPath: string; readinessPath: string };
  const problems: string[] = [];
  const expected: Array<[string, { httpGet?: { path?: string; port: number | string } } | undefined, string]> = [
    ['startupProbe', container.startupProbe, health.livenessPath],
    ['livenessProbe', container.livenessProbe, health.livenessPath],
    ['readinessProbe', container.readinessProbe, health.readinessPath],
  ];
  if (port === null) problems.push(`${container.name}: the process serves no health port (HEALTH_PORT unset)`);
  for (const [name, probe, path] of expected) {
    const get = probe?.httpGet;
    const probed = typeof get?.port === 'string' ? ports[get.port] : get?.port;
    if (!get || probed !== port || get.path !== path) problems.push(`${container.name}: ${name} asks ${String(probed)}${get?.path ?? ''}, the process serves ${String(port)}${path}`);
  }
  const annotations = deployment.spec!.template.metadata!.annotations ?? {};
  if (annotations['prometheus.io/port'] !== String(port)) problems.push(`${container.name}: Prometheus scrapes port ${annotations['prometheus.io/port']}, the health port is ${String(port)}`);
  if (container.name === 'gateway' && ports['http'] !== config.http.port) problems.push(`gateway: container port ${ports['http']}, the API listens on ${config.http.port}`);
  if (container.name !== 'gateway' && ports['grpc'] !== Number(config.grpc[container.name as ServiceName].split(':').pop())) {
    problems.push(`${container.name}: container port ${ports['grpc']}, gRPC listens on ${config.grpc[container.name as ServiceName]}`);
  }
  return problems;
}

/** What the real health server answers on the chart's default paths (filled once, before the checks). */
let served: Record<string, number> = {};

const VARIANTS: Record<string, Array<Record<string, unknown>>> = {
  defaults: [],
  'KEDA queue scaling, ingress, OTEL, another health port': [
    {
      queueScaling: { enabled: true, redis: { address: 'redis:6379', passwordSecret: { name: 'redis', key: 'password' } } },
      networkPolicy: { enabled: true },
      ingress: { enabled: true, className: 'nginx', tls: [{ hosts: ['news.example.org'], secretName: 'news-tls' }] },
      otel: { enabled: true, endpoint: 'http://collector:4318', resourceAttributes: 'deployment.environment=prod' },
      health: { port: 9100 },
      config: { llm: { baseUrl: 'http://llm:8080/v1', model: 'qwen' }, trustProxy: '1', extraEnv: { SCHEDULER_TICK_MS: 5000 } },
    },
  ],
  'an existing Secret, no migrations, every service autoscaled': [
    {
      secrets: { existingSecret: 'autoglm-credentials', databaseUrl: '', redisUrl: '', grpcAuthToken: '' },
      migrations: { enabled: false },
      services: Object.fromEntries(SERVICES.map((s) => [s, { autoscaling: { enabled: true } }])),
    },
  ],
};

describe('Helm chart deploy/helm/autoglm', () => {
  const known = configEnvNames();
  // The TypeScript compiler reads kubernetes-models' declarations once: seconds on a busy machine.
  beforeAll(() => loadFieldLists(), 120_000);
  beforeAll(async () => {
    const { health, metrics } = render().values as { health: { livenessPath: string; readinessPath: string }; metrics: { path: string } };
    served = await healthServerStatuses([health.livenessPath, health.readinessPath, metrics.path, '/health/nothing']);
  });

  describe.each(Object.entries(VARIANTS))('with %s', (_, values) => {
    const chart = render(...values);
    const deployments = kinds<IDeployment>(chart, 'Deployment');

    it('renders only manifests that meet the Kubernetes schemas of their kind', () => {
      expect(chart.manifests.length).toBeGreaterThan(SERVICES.length * 3);
      expect(chart.manifests.map(schemaProblem).filter(Boolean)).toEqual([]);
      expect(chart.manifests.flatMap(unknownFields)).toEqual([]);
      const ids = chart.manifests.map((m) => `${String(m['kind'])}/${String((m['metadata'] as { name: string }).name)}`);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('gives every service a Deployment, a Service and a PodDisruptionBudget that select its pods only', () => {
      expect(deployments.map((d) => containerOf(d).name).sort()).toEqual([...SERVICES].sort());
      for (const deployment of deployments) {
        const name = deployment.metadata!.name!;
        const podLabels = deployment.spec!.template.metadata!.labels;
        expect(matches(deployment.spec!.selector.matchLabels, podLabels)).toBe(true);
        const service = named(kinds<IService>(chart, 'Service'), name);
        const pdb = named(kinds<IPodDisruptionBudget>(chart, 'PodDisruptionBudget'), name);
        expect(deployments.filter((d) => matches(service.spec!.selector, d.spec!.template.metadata!.labels))).toEqual([deployment]);
        expect(deployments.filter((d) => matches(pdb.spec!.selector!.matchLabels, d.spec!.template.metadata!.labels))).toEqual([deployment]);
        const portNames = (containerOf(deployment).ports ?? []).map((p) => p.name);
        for (const port of service.spec!.ports!) expect(portNames).toContain(port.targetPort);
      }
    });

    it('runs each service from the one image with APP naming an app that exists', () => {
      for (const deployment of deployments) {
        const container = containerOf(deployment);
        const app = container.env!.find((e) => e.name === 'APP')!.value!;
        expect(app).toBe(container.name);
        expect(existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
        expect(container.image).toMatch(/^[^:]+:[\w.-]+$/);
      }
    });

    it('probes and scrapes every service where its process serves them: the port its configuration reads, the paths its health server answers', () => {
      const health = chart.values['health'] as { livenessPath: string; readinessPath: string };
      const metricsPath = (chart.values['metrics'] as { path: string }).path;
      expect([health.livenessPath, health.readinessPath, metricsPath].map((path) => served[path])).toEqual([200, 200, 200]);
      for (const deployment of deployments) expect(healthMismatches(chart, deployment)).toEqual([]);
    });

    it('sets requests and a memory limit on every container, the Job included', () => {
      const jobs = kinds<IJob>(chart, 'Job');
      const containers = [...deployments.map(containerOf), ...jobs.flatMap((j) => j.spec!.template.spec!.containers)];
      for (const container of containers) {
        expect(container.resources?.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
        expect(container.resources?.limits?.['memory']).toBeDefined();
      }
    });

    it('runs as non-root with a read-only root filesystem, no privilege escalation and no capabilities', () => {
      const pods = [...deployments, ...kinds<IJob>(chart, 'Job')].map((o) => o.spec!.template.spec!);
      for (const pod of pods) {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.anything() }));
        for (const container of pod.containers) {
          expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        }
      }
    });

    it('sets only environment variables the services read, from Secrets and ConfigMaps that the chart makes or names', () => {
      const [configMap] = kinds<IConfigMap>(chart, 'ConfigMap');
      const secrets = kinds<ISecret>(chart, 'Secret');
      const existing = (chart.values['secrets'] as { existingSecret: string }).existingSecret;
      const names = [...Object.keys(configMap.data ?? {})];
      const pods = [...deployments, ...kinds<IJob>(chart, 'Job')].map((o) => o.spec!.template.spec!);
      for (const container of pods.flatMap((p) => p.containers)) {
        for (const variable of container.env ?? []) {
          names.push(variable.name);
          const ref = variable.valueFrom?.secretKeyRef;
          if (!ref) continue;
          if (ref.name === existing) continue;
          const secret = named(secrets, ref.name!);
          expect(Object.keys(secret.stringData ?? {})).toContain(ref.key);
        }
        for (const source of container.envFrom ?? []) expect(source.configMapRef?.name).toBe(configMap.metadata!.name);
      }
      expect(unknownEnvNames(names, known)).toEqual([]);
      // The chart makes the credentials Secret unless it is told the name of one.
      expect(secrets.filter((s) => !s.metadata!.annotations?.['helm.sh/hook']).length).toBe(existing ? 0 : 1);
    });

    it('tells every service where the gRPC services are: their Services, on their gRPC ports', () => {
      const [configMap] = kinds<IConfigMap>(chart, 'ConfigMap');
      const services = kinds<IService>(chart, 'Service');
      for (const name of SERVICES.filter((s) => s !== 'gateway')) {
        const [host, port] = configMap.data![`GRPC_${name.toUpperCase()}_URL`]!.split(':');
        const service = named(services, host);
        expect(service.spec!.ports!.find((p) => p.name === 'grpc')!.port).toBe(Number(port));
        const own = containerOf(named(deployments, host)).env!.find((e) => e.name === `GRPC_${name.toUpperCase()}_URL`);
        expect(own!.value).toBe(`0.0.0.0:${port}`);
      }
    });

    it('gives pods longer to stop than the services take to drain', () => {
      const [configMap] = kinds<IConfigMap>(chart, 'ConfigMap');
      const drainSeconds = Number(configMap.data!['SHUTDOWN_TIMEOUT_MS']) / 1000;
      for (const deployment of deployments) expect(deployment.spec!.template.spec!.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
    });

    it('autoscales crawler and analysis on CPU (and on their queue with KEDA), each autoscaler aimed at a Deployment it owns alone', () => {
      const hpas = kinds<IHorizontalPodAutoscaler>(chart, 'HorizontalPodAutoscaler');
      const scaled = kinds<IScaledObject>(chart, 'ScaledObject');
      const targets = [...hpas.map((h) => h.spec!.scaleTargetRef.name), ...scaled.map((s) => s.spec.scaleTargetRef.name)];
      expect(new Set(targets).size).toBe(targets.length);
      for (const target of targets) expect(named(deployments, target).spec!.replicas).toBeUndefined();
      for (const [service, queue] of Object.entries(QUEUE_WORKERS)) {
        const name = `news-autoglm-${service}`;
        const hpa = hpas.find((h) => h.spec!.scaleTargetRef.name === name);
        const scaledObject = scaled.find((s) => s.spec.scaleTargetRef.name === name);
        expect(Boolean(hpa) !== Boolean(scaledObject)).toBe(true);
        if (hpa) expect(hpa.spec!.metrics).toContainEqual(expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }));
        if (scaledObject) {
          expect(scaledObject.spec.triggers.map((t) => t.type)).toEqual(['cpu', 'redis']);
          // The list BullMQ keeps a queue's waiting jobs in, with the prefix and name the services use.
          expect(scaledObject.spec.triggers[1].metadata['listName']).toBe(`${DEFAULT_QUEUE_PREFIX}:${queue}:wait`);
          expect(scaledObject.spec.triggers[1].authenticationRef).toEqual({ name: 'news-autoglm-redis' });
        }
      }
    });

    it('runs the storage migrations in a pre-install/pre-upgrade hook Job, when enabled', () => {
      const jobs = kinds<IJob>(chart, 'Job');
      if (!(chart.values['migrations'] as { enabled: boolean }).enabled) return expect(jobs).toEqual([]);
      const [job] = jobs;
      expect(job.metadata!.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
      const container = job.spec!.template.spec!.containers[0];
      const entry = container.command!.find((part) => part.startsWith('dist/'))!;
      expect(existsSync(join(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
      expect(entry).toBe('dist/apps/storage/src/migrate.js');
      // The Secret it reads exists before it runs: a hook of a lower weight, or the operator's own.
      const ref = container.env!.find((e) => e.name === 'DATABASE_URL')!.valueFrom!.secretKeyRef!;
      const hookSecret = kinds<ISecret>(chart, 'Secret').find((s) => s.metadata!.name === ref.name);
      if (hookSecret) {
        const weight = (o: { metadata?: { annotations?: Record<string, string> } }) => Number(o.metadata!.annotations!['helm.sh/hook-weight']);
        expect(hookSecret.metadata!.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
        expect(weight(hookSecret)).toBeLessThan(weight(job));
      } else {
        expect(ref.name).toBe((chart.values['secrets'] as { existingSecret: string }).existingSecret);
      }
    });
  });

  it('reports probes and scrapes aimed where the process serves nothing', () => {
    const chart = render();
    const gateway = structuredClone(named(kinds<IDeployment>(chart, 'Deployment'), 'news-autoglm-gateway'));
    const container = containerOf(gateway);
    container.readinessProbe = { httpGet: { path: '/health/ready', port: 'http' } };
    container.env = container.env!.filter((e) => e.name !== 'HEALTH_PORT');
    gateway.spec!.template.metadata!.annotations!['prometheus.io/port'] = '3000';

    expect(healthMismatches(chart, gateway)).toEqual([
      'gateway: the process serves no health port (HEALTH_PORT unset)',
      'gateway: startupProbe asks 9464/health/live, the process serves null/health/live',
      'gateway: livenessProbe asks 9464/health/live, the process serves null/health/live',
      'gateway: readinessProbe asks 3000/health/ready, the process serves null/health/ready',
      'gateway: Prometheus scrapes port 3000, the health port is null',
    ]);
    expect(served['/health/nothing']).toBe(404);
  });

  it('names the chart after its folder, and gives it the version of package.json as the default image tag', () => {
    const chartYaml = load(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(chartYaml).toMatchObject({ apiVersion: 'v2', name: basename(CHART), version: expect.stringMatching(/^\d+\.\d+\.\d+$/), appVersion: version });
    for (const deployment of kinds<IDeployment>(render(), 'Deployment')) expect(containerOf(deployment).image).toBe(`open-autoglm:${version}`);
  });

  it('routes the ingress to the gateway HTTP port and sets the OTEL variables per service', () => {
    const chart = render(...VARIANTS['KEDA queue scaling, ingress, OTEL, another health port']);
    const [ingress] = kinds<IIngress>(chart, 'Ingress');
    const backend = ingress.spec!.rules![0].http!.paths[0].backend.service!;
    const gateway = named(kinds<IService>(chart, 'Service'), backend.name);
    expect(gateway.spec!.ports!.map((p) => p.name)).toContain(backend.port!.name);
    expect(kinds<IConfigMap>(chart, 'ConfigMap')[0].data).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', LLM_MODEL: 'qwen', TRUST_PROXY: '1' });
    const analysis = containerOf(named(kinds<IDeployment>(chart, 'Deployment'), 'news-autoglm-analysis'));
    expect(analysis.env).toEqual(expect.arrayContaining([{ name: 'OTEL_SERVICE_NAME', value: 'autoglm-analysis' }, { name: 'HEALTH_PORT', value: '9100' }]));
    expect(chart.notes).toContain('https://autoglm.example.com/');
  });

  it('opens gRPC ports to the release pods only and HTTP ports to all, when network policies are on', () => {
    const chart = render(...VARIANTS['KEDA queue scaling, ingress, OTEL, another health port']);
    const deployments = kinds<IDeployment>(chart, 'Deployment');
    const policies = kinds<INetworkPolicy>(chart, 'NetworkPolicy');
    expect(policies).toHaveLength(SERVICES.length);
    for (const policy of policies) {
      const [own] = deployments.filter((d) => matches(policy.spec!.podSelector.matchLabels, d.spec!.template.metadata!.labels));
      expect(own.metadata!.name).toBe(policy.metadata!.name);
      const portNames = (containerOf(own).ports ?? []).map((p) => p.name);
      const rules = policy.spec!.ingress!;
      expect(rules.flatMap((r) => r.ports!.map((p) => p.port)).sort()).toEqual([...portNames].sort());
      const grpcRule = rules.find((r) => r.ports!.some((p) => p.port === 'grpc'));
      if (grpcRule) {
        const from = grpcRule.from![0].podSelector!.matchLabels;
        expect(deployments.every((d) => matches(from, d.spec!.template.metadata!.labels))).toBe(true);
      }
      expect(rules.find((r) => r.ports!.some((p) => p.port === 'health'))?.from).toBeUndefined();
    }
    expect(kinds(render(), 'NetworkPolicy')).toEqual([]);
  });

  it('reports values of the wrong type and fields the Kubernetes API does not have', () => {
    const deployment = structuredClone(kinds<IDeployment>(render(), 'Deployment')[0]) as IDeployment & Record<string, unknown>;
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0] as typeof pod.containers[0] & Record<string, unknown>;
    container['readinesProbe'] = container.readinessProbe;
    (pod.volumes![0].emptyDir as Record<string, unknown>)['sizeLimt'] = '1Gi';
    // Maps of free keys stay free: labels, resource names.
    deployment.spec!.template.metadata!.labels!['team'] = 'news';
    container.resources!.limits!['nvidia.com/gpu'] = '1';
    const name = deployment.metadata!.name;
    expect(unknownFields(deployment)).toEqual([
      `Deployment/${name}.spec.template.spec.containers[0].readinesProbe`,
      `Deployment/${name}.spec.template.spec.volumes[0].emptyDir.sizeLimt`,
    ]);
    container.readinessProbe = { grpc: { port: 'grpc' as unknown as number } };
    expect(schemaProblem(deployment)).toMatch(/readinessProbe\/grpc\/port must be integer/);
  });

  it('gives the database URL to storage and the migration Job only', () => {
    const chart = render();
    const holders = [...kinds<IDeployment>(chart, 'Deployment'), ...kinds<IJob>(chart, 'Job')]
      .filter((o) => o.spec!.template.spec!.containers[0].env!.some((e) => e.name === 'DATABASE_URL'))
      .map((o) => o.metadata!.name);
    expect(holders.sort()).toEqual(['news-autoglm-migrate', 'news-autoglm-storage']);
  });

  it('refuses to render without credentials, naming the value to set', () => {
    expect(() => renderChart(CHART)).toThrow(/secrets\.databaseUrl \(or secrets\.existingSecret\) is required/);
    expect(() => render({ secrets: { grpcAuthToken: '' } })).toThrow(/secrets\.grpcAuthToken/);
    expect(() => render({ queueScaling: { enabled: true } })).toThrow(/queueScaling\.redis\.address/);
    expect(() => render({ otel: { enabled: true } })).toThrow(/otel\.endpoint is required/);
  });

  it('refuses values that do not meet values.schema.json: unknown keys, short tokens, bad URLs', () => {
    expect(() => render({ services: { crawler: { replica: 3 } } })).toThrow(ChartError);
    expect(() => render({ secrets: { grpcAuthToken: 'short' } })).toThrow(/grpcAuthToken must match pattern/);
    expect(() => render({ secrets: { databaseUrl: 'mysql://x' } })).toThrow(/databaseUrl must match pattern/);
    expect(() => render({ config: { extraEnv: { 'lower-case': 'x' } } })).toThrow(ChartError);
  });

  it('reports an extra variable that no service reads', () => {
    const chart = render({ config: { extraEnv: { SCHEDULER_TICKMS: '5000' } } });
    const names = Object.keys(kinds<IConfigMap>(chart, 'ConfigMap')[0].data ?? {});
    expect(unknownEnvNames(names, known)).toEqual(['SCHEDULER_TICKMS']);
  });
});
