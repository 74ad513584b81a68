// Exploratory: which DB statements take PGlite's time during system ingest.
const { mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createServer } = require('node:http');
const { installTracing } = require('@autoglm/shared-observability');
const { ensureModelBuilt, repositoryModelsDir } = require('@autoglm/analysis-feature');
const { articlesAnalysed } = require('@autoglm/shared-observability');
const spans = [];
const exporter = { export(items, done) { for (const s of items) spans.push(s); done({ code: 0 }); }, shutdown: async () => {} };
installTracing({ otlpEndpoint: '', serviceName: 'x' }, 'bench', exporter);
const { startEmbedded } = require('../dist/apps/autoglm/src/embedded');
const { embeddedTestConfig } = require('../dist/apps/autoglm/src/testing/embedded-test-config');
const file = join(repositoryModelsDir().modelDir, '..', '..', 'shared', 'corpora', 'extraction', 'ground-truth.json');
const truth = JSON.parse(readFileSync(file, 'utf8'));
const articles = Object.values(truth).map(({ articleBody }) => { const text = articleBody.trim(); return { title: (/^[^.!?\n]{10,160}[.!?]?/.exec(text)?.[0] ?? text.slice(0, 80)).trim(), text }; }).filter((a) => a.text.length > 200);
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const per = 40, feeds = Math.ceil(articles.length / per);
const bodies = Array.from({ length: feeds }, (_, f) => `<?xml version="1.0"?><rss version="2.0"><channel><title>feed ${f}</title><link>http://127.0.0.1/</link>${articles.slice(f * per, (f + 1) * per).map((a, i) => `<item><title>${esc(a.title)}</title><link>http://127.0.0.1/a/${f}/${i}</link><guid>ingest-${f}-${i}</guid><description>${esc(a.text.split(/\n+/).map((p) => `<p>${esc(p)}</p>`).join(''))}</description></item>`).join('')}</channel></rss>`);
(async () => {
  const server = createServer((req, res) => { const f = Number(/^\/feed-(\d+)\.xml$/.exec(req.url)?.[1] ?? -1); const b = bodies[f]; if (b === undefined) res.writeHead(404).end(); else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(b); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'autoglm-x-'));
  const config = await embeddedTestConfig(dataDir, { database: { url: process.env.DBURL || '' }, redis: { url: process.env.REDISURL || '' }, scheduler: { tickMs: 200 }, analysis: { modelDir: ensureModelBuilt(), concurrency: Number(process.env.CONC || 16), maxQueueDelayMs: Number(process.env.DELAY || 5) } });
  const system = await startEmbedded(config);
  const total = async () => (await articlesAnalysed.get()).values.reduce((n, v) => n + v.value, 0);
  const before = await total();
  spans.length = 0;
  const cpu0 = process.cpuUsage(); const t0 = Date.now(); console.log("HR0", String(process.hrtime.bigint() / 1000n));
  for (let f = 0; f < feeds; f++) { const res = await fetch(`${system.url}/api/v1/sources`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${base}/feed-${f}.xml`, intervalSeconds: 3600 }) }); if (res.status !== 201) throw new Error(await res.text()); }
  while ((await total()) - before < articles.length) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpu0); const wall = (Date.now() - t0) / 1000; console.log("HR1", String(process.hrtime.bigint() / 1000n));
  console.log(`wall ${wall.toFixed(2)} s, process CPU user ${(cpu.user / 1e6).toFixed(2)} s sys ${(cpu.system / 1e6).toFixed(2)} s`);
  const agg = new Map();
  for (const s of spans) {
    const name = s.attributes['db.query.summary'] ? 'DB ' + String(s.attributes['db.query.text'] ?? s.name).replace(/\s+/g, ' ').slice(0, 150) : s.name;
    const d = s.duration[0] * 1e3 + s.duration[1] / 1e6;
    const e = agg.get(name) ?? { n: 0, ms: 0 }; e.n++; e.ms += d; agg.set(name, e);
  }
  console.log([...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40).map(([k, v]) => `${v.ms.toFixed(0).padStart(7)} ms ${String(v.n).padStart(5)}× ${k}`).join('\n'));
  await system.close(); server.close(); process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
