import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DCLinter } from 'dclint';
import { load } from 'js-yaml';
import type { OpsProcessName } from '@autoglm/shared-config';
import { configEnvNames, configFromEnv, unknownEnvNames } from './config-env';
import { healthServerStatuses } from './health-server';

/** Static checks of deploy/compose (no Docker engine here): the compose-spec schema, dclint's rules, then ours. */
const ROOT = join(__dirname, '..', '..');
const COMPOSE_DIR = join(ROOT, 'deploy/compose');
const COMPOSE_FILE = join(COMPOSE_DIR, 'docker-compose.yml');
const SERVICES = ['gateway', 'storage', 'sources', 'crawler', 'analysis', 'recommender'];

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  read_only?: boolean;
  user?: string;
  cap_drop?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}

const compose = load(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, ComposeService> };
const service = (name: string): ComposeService => compose.services[name];
/** A host path of a bind mount, resolved like compose does: relative to the compose file. */
const mounts = (name: string) =>
  (service(name).volumes ?? []).filter((v) => v.startsWith('.')).map((v) => ({ host: resolve(COMPOSE_DIR, v.split(':')[0]), target: v.split(':')[1] }));

/** A compose service's environment as compose interpolates it with nothing exported: ${VAR:-default} is the default, a required ${VAR:?…} a value of its form. */
function interpolated(name: string): Record<string, string> {
  const required = (variable: string) => (variable === 'GRPC_AUTH_TOKEN' ? 'k'.repeat(48) : 'x');
  const env = service(name).environment ?? {};
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, String(value).replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, variable: string, kind?: string, rest = '') => (kind === '-' ? rest : required(variable)))]),
  );
}

/** The health port the service's process opens, from its configuration given that environment (null: none). */
function healthPortOf(name: string): number | null {
  return configFromEnv(interpolated(name)).observability.healthPorts[name as OpsProcessName];
}

describe('docker compose deploy/compose/docker-compose.yml', () => {
  it('meets the compose-spec schema and dclint rules (ordering rules off: the file follows the pipeline)', () => {
    const sut = new DCLinter({
      rules: {
        'services-alphabetical-order': 0,
        'service-keys-order': 0,
        'top-level-properties-order': 0,
        'require-quotes-in-ports': [2, { quoteType: 'double' }],
      },
      quiet: false,
      debug: false,
      exclude: [],
    });
    const [result] = sut.lintFiles([COMPOSE_FILE], false);
    expect(result.messages.map((m) => `${m.rule} (line ${m.line}): ${m.message}`)).toEqual([]);
  });

  it('finds a schema violation or a published port open to every interface', () => {
    const sut = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });
    const dir = join(ROOT, 'tools/deploy/fixtures');
    const messages = sut.lintFiles([join(dir, 'compose-invalid.yml'), join(dir, 'compose-unbound-port.yml')], false).map((r) => r.messages.map((m) => m.rule));
    expect(messages).toEqual([['invalid-schema'], expect.arrayContaining(['no-unbound-port-interfaces'])]);
  });

  it('runs PostgreSQL with pgvector, and Redis with an append-only file that never evicts', () => {
    expect(service('postgres').image).toMatch(/^pgvector\/pgvector:[\w.-]*pg1[5-9]$/);
    const redis = service('redis').command!.join(' ');
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    expect(mounts('redis')).toEqual([]);
    expect(service('redis').volumes).toContainEqual(expect.stringMatching(/^\w+:\/data$/));
  });

  it('runs the six services from one image, unprivileged, with the gRPC addresses and the shared token wired', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const images = new Set(SERVICES.map((name) => service(name).image));
    expect([...images]).toEqual([`open-autoglm:\${AUTOGLM_TAG:-${version}}`]);
    for (const name of SERVICES) {
      const s = service(name);
      const env = s.environment!;
      expect(env['APP']).toBe(name);
      expect(existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))).toBe(true);
      for (const other of SERVICES.filter((x) => x !== 'gateway')) {
        const [host, port] = env[`GRPC_${other.toUpperCase()}_URL`].split(':');
        expect(host).toBe(other === name ? '0.0.0.0' : other);
        expect(port).toMatch(/^\d+$/);
      }
      // Distributed services refuse to start without it; compose refuses to start without it being exported.
      expect(env['GRPC_AUTH_TOKEN']).toMatch(/^\$\{GRPC_AUTH_TOKEN:\?/);
      expect(s).toMatchObject({ read_only: true, cap_drop: ['ALL'], user: expect.stringMatching(/^[1-9]\d*(:\d+)?$/) });
    }
  });

  it('checks every service where its process serves health: the port its configuration reads, a path its health server answers', async () => {
    const values = load(readFileSync(join(ROOT, 'deploy/helm/autoglm/values.yaml'), 'utf8')) as { health: { livenessPath: string; readinessPath: string } };
    const paths = [values.health.livenessPath, values.health.readinessPath];
    const statuses = await healthServerStatuses(paths);
    expect(paths.map((path) => statuses[path])).toEqual([200, 200]);
    for (const name of SERVICES) {
      const port = healthPortOf(name);
      expect(port).toEqual(expect.any(Number));
      const test = (service(name).healthcheck?.test ?? []).join(' ');
      const asked = /http:\/\/127\.0\.0\.1:(\d+)(\/[\w/]*)/.exec(test);
      expect({ service: name, port: Number(asked?.[1]) }).toEqual({ service: name, port });
      expect(paths).toContain(asked?.[2]);
    }
    // The one-off migration has no health port, so no check.
    expect(service('migrate').healthcheck).toEqual({ disable: true });
  });

  it('migrates the database before storage starts, and gives the database URL to those two only', () => {
    expect(service('migrate').image).toBe(service('storage').image);
    expect(service('migrate').command).toContain('dist/apps/storage/src/migrate.js');
    expect(existsSync(join(ROOT, 'apps/storage/src/migrate.ts'))).toBe(true);
    expect(service('storage').depends_on!['migrate']).toEqual({ condition: 'service_completed_successfully' });
    const holders = Object.keys(compose.services).filter((name) => service(name).environment?.['DATABASE_URL']);
    expect(holders.sort()).toEqual(['migrate', 'storage']);
  });

  it('sets only environment variables the services read, and no secret in the file itself', () => {
    const known = configEnvNames();
    const names = [...SERVICES, 'migrate'].flatMap((name) => Object.keys(service(name).environment ?? {}));
    expect(unknownEnvNames(names, known)).toEqual([]);
    for (const s of Object.values(compose.services)) {
      for (const [name, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|TOKEN|SECRET|API_KEY/.test(name)) expect(value).toMatch(/^\$\{\w+:\?/);
        if (name === 'DATABASE_URL') expect(value).toContain('${POSTGRES_PASSWORD}');
      }
    }
  });

  it('has Prometheus scrape every service on its health port and Grafana read that Prometheus', () => {
    const prometheusMount = mounts('prometheus').find((m) => m.target === '/etc/prometheus/prometheus.yml')!;
    const config = load(readFileSync(prometheusMount.host, 'utf8')) as { scrape_configs: ScrapeConfig[] };
    const job = config.scrape_configs.find((c) => c.job_name === 'autoglm')!;
    expect(job.metrics_path).toBe('/metrics');
    const targets = Object.fromEntries(job.static_configs.map((c) => [c.labels!['service'], c.targets]));
    expect(Object.keys(targets).sort()).toEqual([...SERVICES].sort());
    for (const name of SERVICES) expect(targets[name]).toEqual([`${name}:${healthPortOf(name)}`]);

    const provisioning = mounts('grafana').find((m) => m.target === '/etc/grafana/provisioning')!;
    const datasources = load(readFileSync(join(provisioning.host, 'datasources/prometheus.yml'), 'utf8')) as { datasources: Array<{ type: string; url: string }> };
    expect(datasources.datasources).toContainEqual(expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }));
    const providers = load(readFileSync(join(provisioning.host, 'dashboards/autoglm.yml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
    const dashboards = mounts('grafana').find((m) => m.target.startsWith('/var/lib/grafana/dashboards'))!;
    expect(dashboards.host).toBe(join(ROOT, 'deploy/grafana'));
    expect(providers.providers[0].options.path).toBe(dashboards.target);
  });

  it('provisions only dashboards that parse, each with a title and panels', () => {
    const dir = join(ROOT, 'deploy/grafana');
    const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json')) : [];
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { title?: string; panels?: unknown[] };
      expect(dashboard.title).toEqual(expect.any(String));
      expect(dashboard.panels).toEqual(expect.any(Array));
    }
  });
});
