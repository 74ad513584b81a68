import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsRegistry } from './metrics';

const DASHBOARDS = join(__dirname, '..', '..', '..', '..', '..', '..', 'deploy', 'grafana');

/** Our metrics and the Node.js process metrics: the names a dashboard query may use. */
const METRIC_NAME = /\b(?:autoglm|nodejs|process)_[a-z0-9_]+\b/g;
interface Panel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string }>;
}

interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Array<{ definition?: string }> };
}

function load(file: string): Dashboard {
  return JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard;
}

/** Every PromQL query of a dashboard: its panels' targets and its template variables' definitions. */
function queriesOf(dashboard: Dashboard): string[] {
  const targets = (dashboard.panels ?? []).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
  const variables = (dashboard.templating?.list ?? []).map((variable) => variable.definition ?? '').filter(Boolean);
  return [...targets, ...variables];
}

/** What the process exports, by series name: a histogram only as its _bucket, _count and _sum (its bare name is no series). */
async function exportedNames(): Promise<Set<string>> {
  const metrics = await metricsRegistry.getMetricsAsJSON();
  return new Set(metrics.flatMap((metric) => (String(metric.type) === 'histogram' ? ['bucket', 'count', 'sum'].map((s) => `${metric.name}_${s}`) : [metric.name])));
}

describe('Grafana dashboards (deploy/grafana)', () => {
  const files = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json'));

  it('cover throughput, latency, inference and cache', () => {
    expect(files.sort()).toEqual(['cache.json', 'inference.json', 'latency.json', 'throughput.json']);
  });

  it.each(files)('%s has a uid, a title and panels that each query something', (file) => {
    const dashboard = load(file);

    expect(dashboard).toMatchObject({ uid: expect.stringMatching(/^autoglm-/), title: expect.any(String) });
    expect(dashboard.panels?.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels ?? []) {
      const queries = (panel.targets ?? []).map((target) => (target.expr ?? '').trim());
      expect({ panel: panel.title, queries: queries.length > 0 && queries.every(Boolean) }).toEqual({ panel: panel.title, queries: true });
    }
  });

  it.each(files)('%s queries only metrics the code exports', async (file) => {
    const exported = await exportedNames();
    const queries = queriesOf(load(file));

    for (const query of queries) {
      const names = query.match(METRIC_NAME) ?? [];
      // A query naming none of our metrics would go unchecked: every query names at least one.
      expect({ query, names: names.length > 0 }).toEqual({ query, names: true });
      const unknown = names.filter((name) => !exported.has(name));
      expect({ query, unknown }).toEqual({ query, unknown: [] });
    }
  });
});
