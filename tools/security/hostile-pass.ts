/**
 * A hostile pass against a fresh instance, as an attacker would try it (issue 12's findings and
 * more): path spellings that must not reach administrator routes, acting as another user,
 * anonymous instance-wide writes, control characters in every kind of parameter, hostile JSON and
 * GraphQL documents, request floods, and internal addresses in what non-administrators see.
 *
 *   npm run security:hostile                    # starts a fresh embedded instance from the sources
 *   npm run security:hostile -- --url http://127.0.0.1:3000   # an instance you started (it must have no account yet)
 *   npm run security:hostile -- --verbose        # every probe and its answer
 *
 * Every probe states the answers it accepts; the pass prints one line per family, every probe that
 * got something else, and exits 1 if any did or if any answer was a 5xx. Traffic goes only to the
 * instance and to the loopback feed this script serves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

interface Outcome {
  family: string;
  probe: string;
  status: number;
  ok: boolean;
  expected: string;
}

const outcomes: Outcome[] = [];

/**
 * Sends the request target exactly as given (no URL normalisation: dot segments, case,
 * percent-escapes and absolute-form targets reach the server as written).
 */
function send(base: URL, method: string, target: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, method, path: target, headers: { connection: 'close', ...headers }, timeout: 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: no answer in 60 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

function json(value: unknown): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function bearer(key: string | undefined): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Records one probe: `accept` lists the statuses that are right for it; a 5xx is never right. */
function record(family: string, probe: string, answer: Answer, accept: number[]): void {
  const ok = accept.includes(answer.status) && answer.status < 500;
  outcomes.push({ family, probe, status: answer.status, ok, expected: accept.join('/') });
}

async function probe(base: URL, family: string, accept: number[], method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const answer = await send(base, method, target, headers, body);
  record(family, `${method} ${target.length > 120 ? `${target.slice(0, 117)}...` : target}${headers.authorization ? ' [key]' : ''}`, answer, accept);
  return answer;
}

function feedXml(base: string): string {
  const items = Array.from(
    { length: 8 },
    (_, i) => `<item><title>Hostile pass story ${i + 1}: the council and the bridge</title><link>${base}/story-${i + 1}</link>
      <guid>hostile-${i + 1}</guid><pubDate>${new Date(Date.UTC(2026, 11, 1 + i)).toUTCString()}</pubDate>
      <description>${'Engineers, councillors and residents argued about the cost of the new bridge and its schedule. '.repeat(4)}</description></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile pass</title><link>${base}</link><description>fixture</description>${items}</channel></rss>`;
}

async function serveFeed(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedXml(base));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh embedded instance (PGlite in a new directory, in-process queue), run from the sources. */
async function startInstance(feedUrl: string): Promise<{ url: URL; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-hostile-'));
  writeFileSync(join(dir, 'config.yaml'), `sources:\n  - url: ${feedUrl}\n    interval_seconds: 3600\n  - url: http://localhost:9/feed.xml\n    interval_seconds: 3600\n`);
  const ports = await Promise.all([0, 1, 2, 3, 4, 5].map(() => freePort()));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: join(dir, 'pglite'),
    DATABASE_URL: '',
    REDIS_URL: '',
    AUTOGLM_CONFIG: join(dir, 'config.yaml'),
    HOST: '127.0.0.1',
    PORT: String(ports[0]),
    AUTOGLM_ALLOW_HOSTS: '127.0.0.1',
    MODEL_DIR: join(ROOT, 'models'),
    NO_COLOR: '1',
  };
  ['STORAGE', 'SOURCES', 'CRAWLER', 'ANALYSIS', 'RECOMMENDER'].forEach((name, i) => (env[`GRPC_${name}_URL`] = `127.0.0.1:${ports[i + 1]}`));
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/scripts/register-ts-source.js'), join(ROOT, 'apps/autoglm/src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        lines.push(line);
        const running = /Open-AutoGLM is running .*: (http:\/\/\S+)/.exec(line);
        if (running) resolve(running[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the instance exited during start-up (${code}):\n${lines.slice(-20).join('\n')}`)));
  });
  return { url: new URL(url), child, dir };
}

async function waitForArticles(base: URL): Promise<Array<{ id: string; sourceId: string }>> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const answer = await send(base, 'GET', '/api/v1/articles?limit=20');
    if (answer.status === 200) {
      const items = (JSON.parse(answer.body) as { items: Array<{ id: string; sourceId: string }> }).items;
      if (items.length > 0) return items;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('no article was stored within 180 s');
}

/** Spellings of one path that must all be treated as that path or as no route at all. */
function spellings(path: string): string[] {
  const segments = path.split('/');
  const last = segments.length - 1;
  const upperLast = [...segments.slice(0, last), segments[last].toUpperCase()].join('/');
  const capitalised = path.replace(/\/([a-z])([a-z]*)/g, (_m, first: string, rest: string) => `/${first.toUpperCase()}${rest}`);
  return [
    path,
    path.toUpperCase(),
    upperLast,
    capitalised,
    path.replace('/admin/', '/ADMIN/'),
    path.replace('/admin/', '/Admin/'),
    `${path}/`,
    path.replace('/api/v1/', '/api/v1//'),
    path.replace('/api/v1/', '//api/v1/'),
    path.replace('/api/v1/', '/api/v1/./'),
    path.replace('/api/v1/', '/api/v1/x/../'),
    path.replace('/api/v1/', '/api/v1/%2e/'),
    path.replace('/api/v1/admin', '/api/v1/%61dmin'),
    path.replace('/api/v1/admin', '/api/v1/%41DMIN'),
    path.replace('/admin/', '/admin%2F'),
    path.replace('/admin/', '/admin%2f'),
    path.replace('/api/v1/', '/api/v1%2F'),
    `${path};x=1`,
    `${path}%00`,
    `${path}%20`,
    `${path}?x=1`,
    `${path}#x`,
  ].filter((value, i, all) => all.indexOf(value) === i);
}

async function run(base: URL, feedBase: string): Promise<void> {
  const started = performance.now();
  const articles = await waitForArticles(base);
  const article = articles[0];

  // Before any account: open single-user mode.
  await probe(base, 'open mode', [200], 'GET', '/api/v1/articles?limit=5');

  // Accounts: the first is the administrator; then only an administrator creates accounts.
  const adminAnswer = await probe(base, 'accounts', [201], 'POST', '/api/v1/users', json({ name: 'root' }).headers, json({ name: 'root' }).body);
  const admin = JSON.parse(adminAnswer.body) as { user: { id: string }; apiKey: { key: string } };
  const bobAnswer = await probe(base, 'accounts', [201], 'POST', '/api/v1/users', { ...json({}).headers, ...bearer(admin.apiKey.key) }, json({ name: 'bob' }).body);
  const bob = JSON.parse(bobAnswer.body) as { user: { id: string }; apiKey: { key: string } };
  await probe(base, 'accounts', [401], 'POST', '/api/v1/users', json({}).headers, json({ name: 'mallory' }).body);
  await probe(base, 'accounts', [403], 'POST', '/api/v1/users', { ...json({}).headers, ...bearer(bob.apiKey.key) }, json({ name: 'mallory' }).body);
  await probe(base, 'accounts', [401], 'GET', '/api/v1/me', bearer('agk_forged_key_0000000000000000000000'));

  // Administrator routes under every spelling, absolute-form targets included: never served without the administrator's key.
  const adminRoutes: Array<[string, string, string | undefined]> = [
    ['GET', '/api/v1/admin/models', undefined],
    ['POST', '/api/v1/admin/models/pull', JSON.stringify({ repoId: 'Xenova/all-MiniLM-L6-v2' })],
    ['GET', '/api/v1/admin/models/pull/job-1', undefined],
  ];
  for (const [method, path, body] of adminRoutes) {
    const headers: Record<string, string> = body ? json({}).headers : {};
    for (const target of spellings(path)) {
      for (const key of [undefined, bob.apiKey.key]) {
        await probe(base, 'admin paths', [400, 401, 403, 404, 405], method, target, { ...headers, ...bearer(key) }, body);
      }
    }
    for (const host of [`${base.host}`, 'evil.test', 'localhost']) {
      for (const target of [`http://${host}${path}`, `http://${host}${path.toUpperCase()}`, `http://${host}${path.replace('/admin/', '/ADMIN/')}`]) {
        await probe(base, 'admin paths', [400, 401, 403, 404, 405], method, target, headers, body);
      }
    }
  }
  await probe(base, 'admin paths', [200], 'GET', '/api/v1/admin/models', bearer(admin.apiKey.key));

  // Acting as another user: REST, GraphQL, events.
  const adminId = admin.user.id;
  const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
  for (const [who, key] of [['anonymous', undefined], ['another user', bob.apiKey.key]] as const) {
    await probe(base, 'impersonation', who === 'anonymous' ? [401] : [404], 'GET', `/api/v1/users/${adminId}/recommendations`, bearer(key));
    await probe(base, 'impersonation', who === 'anonymous' ? [401] : [404], 'GET', `/api/v1/users/${adminId.toUpperCase()}/recommendations`, bearer(key));
    await probe(base, 'impersonation', who === 'anonymous' ? [401] : [404], 'POST', '/api/v1/events', { ...json({}).headers, ...bearer(key) }, JSON.stringify({ userId: adminId, articleId: article.id, type: 'like' }));
    const answer = await send(base, 'POST', '/graphql', { ...json({}).headers, ...bearer(key) }, gql('query($u: String!) { recommendations(userId: $u) { items { article { id } reason } } }', { u: adminId }));
    const body = JSON.parse(answer.body) as { data?: { recommendations?: unknown } | null; errors?: unknown[] };
    outcomes.push({ family: 'impersonation', probe: `GraphQL recommendations(userId: admin) as ${who}`, status: answer.status, ok: answer.status < 500 && !body.data?.recommendations && (body.errors?.length ?? 0) > 0, expected: 'an error, no data' });
  }
  await probe(base, 'impersonation', [200], 'GET', '/api/v1/users/me/recommendations', bearer(bob.apiKey.key));
  await probe(base, 'impersonation', [200], 'GET', `/api/v1/users/${bob.user.id}/recommendations`, bearer(admin.apiKey.key));

  // Instance-wide writes: an administrator's, not an anonymous caller's or a user's.
  const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" xmlUrl="${feedBase}/other.xml" text="x"/></body></opml>`;
  const writes: Array<[string, string, string | undefined, string | undefined]> = [
    ['POST', '/api/v1/sources', 'application/json', JSON.stringify({ url: `${feedBase}/other.xml` })],
    ['POST', '/api/v1/sources/import', 'text/x-opml', opml],
    ['POST', `/api/v1/sources/${article.sourceId}/refresh`, undefined, undefined],
    ['POST', `/api/v1/sources/${article.sourceId}/resume`, undefined, undefined],
    ['DELETE', `/api/v1/articles/${article.id}`, undefined, undefined],
  ];
  for (const [method, path, type, body] of writes) {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    await probe(base, 'instance writes', [401], method, path, headers, body);
    await probe(base, 'instance writes', [403], method, path, { ...headers, ...bearer(bob.apiKey.key) }, body);
    await probe(base, 'instance writes', [401, 404], method, path.replace('/api/v1/', '/API/v1/'), headers, body);
  }

  // Control characters in every kind of parameter: 400, never 500. Other odd values: any answer but a 5xx.
  const control = ['%00', 'a%00b', '%01', '%1F', '%7F', 'a%0D%0Ab'];
  const odd = ['%E2%80%AE', '%C0%80', '%FF', '%', '%ZZ', '..%2F..%2Fetc', '{"$ne":1}', 'x'.repeat(5000)];
  const anyBut5xx = [200, 400, 404, 414, 431];
  for (const value of [...control, ...odd]) {
    const isControl = control.includes(value);
    for (const param of ['topic', 'language', 'category', 'sourceId', 'cursor', 'since', 'limit']) {
      await probe(base, 'hostile parameters', isControl ? [400] : anyBut5xx, 'GET', `/api/v1/articles?${param}=${value}`);
    }
    await probe(base, 'hostile parameters', isControl ? [400] : anyBut5xx, 'GET', `/api/v1/search?q=${value}&mode=hybrid`);
    await probe(base, 'hostile parameters', isControl ? [400] : anyBut5xx, 'GET', `/api/v1/search?q=bridge&mode=${value}`);
    for (const path of ['/api/v1/articles/', '/api/v1/stories/', '/api/v1/sources/']) {
      await probe(base, 'hostile parameters', isControl ? [400] : anyBut5xx, 'GET', `${path}${value}`);
    }
    await probe(base, 'hostile parameters', isControl ? [400] : anyBut5xx, 'GET', `/api/v1/users/${value}/recommendations`, bearer(bob.apiKey.key));
    await probe(base, 'hostile parameters', isControl ? [400] : anyBut5xx, 'GET', `/api/v1/me/articles?state=${value}`, bearer(bob.apiKey.key));
  }

  // Hostile JSON: nesting, size, syntax, types.
  const authed = { ...json({}).headers, ...bearer(bob.apiKey.key) };
  await probe(base, 'hostile JSON', [400, 413], 'POST', '/api/v1/me/events', authed, `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
  await probe(base, 'hostile JSON', [400, 413], 'POST', '/api/v1/events', authed, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
  await probe(base, 'hostile JSON', [413], 'POST', '/api/v1/events', authed, JSON.stringify({ userId: 'me', articleId: article.id, type: 'open', pad: 'x'.repeat(5_000_000) }));
  await probe(base, 'hostile JSON', [400], 'POST', '/api/v1/events', authed, '{"userId": "me", "articleId": ');
  await probe(base, 'hostile JSON', [400], 'POST', '/api/v1/events', authed, JSON.stringify({ userId: 'me', articleId: { $ne: 1 }, type: 'open' }));
  await probe(base, 'hostile JSON', [400], 'POST', '/api/v1/events', authed, JSON.stringify({ userId: 'me', articleId: 'a\u0000b', type: 'open' }));
  await probe(base, 'hostile JSON', [400], 'POST', '/api/v1/events', authed, `{"userId": "me", "articleId": "${article.id}", "type": "open", "__proto__": {"admin": true}, "constructor": {"prototype": 1}}`);
  await probe(base, 'hostile JSON', [400, 415], 'POST', '/api/v1/events', { ...bearer(bob.apiKey.key), 'content-type': 'application/json; charset=utf-7' }, '{}');
  await probe(base, 'hostile JSON', [400, 413], 'POST', '/graphql', json({}).headers, `${'['.repeat(10_000)}${']'.repeat(10_000)}`);

  // GraphQL documents: aliases, depth, cost, directives, tokens; the instance stays responsive meanwhile.
  const aliases = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: sources { id url }`).join(' ')} }`;
  const sixteenAliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: sources { id }`).join(' ')} }`;
  // Deeper than any honest query; the depth rule runs whether or not the fields exist.
  const deep = '{ articles { items { a { b { c { d { e { f } } } } } } } }';
  const directives = `{ sources ${'@include(if: true) '.repeat(11)} { id } }`;
  const tokens = `{ sources { ${'id '.repeat(20_000)} } }`;
  /** A refusal names the limit it hit and returns no data. */
  const refused = (name: string, answer: Answer, limit: RegExp) => {
    const body = JSON.parse(answer.body) as { data?: unknown; errors?: Array<{ message: string }> };
    const ok = answer.status < 500 && !body.data && (body.errors ?? []).some((e) => limit.test(e.message));
    outcomes.push({ family: 'GraphQL limits', probe: `POST /graphql ${name}: ${body.errors?.[0]?.message.slice(0, 60) ?? 'no error'}`, status: answer.status, ok, expected: `an error naming ${limit.source}` });
  };
  const healthDuring: number[] = [];
  const flood = Promise.all(Array.from({ length: 10 }, () => send(base, 'POST', '/graphql', json({}).headers, gql(aliases))));
  for (let i = 0; i < 5; i++) healthDuring.push((await send(base, 'GET', '/health/live')).ms);
  for (const answer of await flood) refused('500 aliases (x10, concurrent)', answer, /alias|token/i);
  refused('16 aliases', await send(base, 'POST', '/graphql', json({}).headers, gql(sixteenAliases)), /alias/i);
  refused('depth 9', await send(base, 'POST', '/graphql', json({}).headers, gql(deep)), /depth/i);
  refused('11 directives', await send(base, 'POST', '/graphql', json({}).headers, gql(directives)), /directive/i);
  refused('20,000 tokens', await send(base, 'POST', '/graphql', json({}).headers, gql(tokens)), /token/i);
  await probe(base, 'GraphQL limits', [200, 400], 'GET', '/graphql?query=%7Bsources%7Bid%7D%7D');
  await probe(base, 'GraphQL limits', [400, 415], 'POST', '/graphql', { 'content-type': 'text/plain' }, gql('{ sources { id } }'));

  // Internal addresses: a non-administrator sees the failure's kind, not what a name resolved to
  // (config.yaml holds a source on http://localhost:9, which resolves to a loopback address nobody serves).
  const sources = JSON.parse((await send(base, 'GET', '/api/v1/sources', bearer(admin.apiKey.key))).body) as { items?: Array<{ id: string; url: string }> } | Array<{ id: string; url: string }>;
  const leaky = (Array.isArray(sources) ? sources : (sources.items ?? [])).find((s) => s.url.startsWith('http://localhost:9/'));
  if (!leaky) outcomes.push({ family: 'leaks', probe: 'the source on http://localhost:9 is listed', status: 0, ok: false, expected: 'listed' });
  else {
    const detail = async (key?: string) => send(base, 'GET', `/api/v1/sources/${leaky.id}`, bearer(key));
    const lastError = (answer: Answer) => (JSON.parse(answer.body) as { lastError?: string | null }).lastError ?? '';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !lastError(await detail(admin.apiKey.key))) await new Promise((r) => setTimeout(r, 500));
    const adminView = await detail(admin.apiKey.key);
    outcomes.push({ family: 'leaks', probe: `GET /api/v1/sources/:id as the administrator: ${lastError(adminView).slice(0, 80)}`, status: adminView.status, ok: adminView.status === 200 && lastError(adminView) !== '', expected: '200 with the cause' });
    for (const [who, key] of [['anonymous', undefined], ['another user', bob.apiKey.key]] as const) {
      const answer = await detail(key);
      const shown = JSON.stringify((JSON.parse(answer.body) as { lastError?: unknown }).lastError ?? '');
      outcomes.push({ family: 'leaks', probe: `GET /api/v1/sources/:id lastError as ${who}: ${shown.slice(0, 80)}`, status: answer.status, ok: answer.status === 200 && shown.length > 2 && !/\b127\.0\.0\.1\b|::1|\b10\.\d|\b192\.168\./.test(shown), expected: '200 with a failure kind, no internal address' });
    }
  }

  // Floods: a client that sends too much is told to wait (429 with Retry-After), others are served.
  const burst = await Promise.all(Array.from({ length: 150 }, () => send(base, 'GET', '/api/v1/search?q=bridge&mode=text', bearer(bob.apiKey.key))));
  const limited = burst.filter((a) => a.status === 429);
  outcomes.push({ family: 'rate limits', probe: `150 concurrent searches by one key: ${limited.length} answered 429`, status: limited[0]?.status ?? burst[0].status, ok: limited.length > 0 && limited.every((a) => Number(a.headers['retry-after']) > 0) && burst.every((a) => a.status < 500), expected: 'some 429 with Retry-After, no 5xx' });
  await probe(base, 'rate limits', [200], 'GET', '/api/v1/search?q=bridge&mode=text', bearer(admin.apiKey.key));

  // Clients that go away mid-request change nothing.
  for (let i = 0; i < 20; i++) {
    const req = request({ host: base.hostname, port: base.port, path: '/api/v1/articles?limit=100', method: 'GET' });
    req.on('error', () => undefined);
    req.end();
    setTimeout(() => req.destroy(), 1 + (i % 5));
  }
  await new Promise((r) => setTimeout(r, 500));
  await probe(base, 'disconnects', [200], 'GET', '/api/v1/articles?limit=5');
  await probe(base, 'disconnects', [200], 'GET', '/health');

  report(performance.now() - started, healthDuring);
}

function report(ms: number, healthDuring: number[]): void {
  const families = [...new Set(outcomes.map((o) => o.family))];
  console.log(`\nhostile pass: ${outcomes.length} probes in ${(ms / 1000).toFixed(1)} s`);
  for (const family of families) {
    const mine = outcomes.filter((o) => o.family === family);
    const statuses = [...new Set(mine.map((o) => o.status))].sort((a, b) => a - b).join(', ');
    console.log(`  ${family.padEnd(20)} ${String(mine.length).padStart(4)} probes, ${mine.filter((o) => !o.ok).length} wrong; statuses seen: ${statuses}`);
  }
  console.log(`  /health/live during the alias flood: max ${Math.max(...healthDuring).toFixed(0)} ms`);
  const wrong = outcomes.filter((o) => !o.ok);
  const fivexx = outcomes.filter((o) => o.status >= 500);
  if (process.argv.includes('--verbose')) for (const o of outcomes) console.log(`  ${o.ok ? 'ok   ' : 'WRONG'} ${o.family}: ${o.probe} -> ${o.status}`);
  else for (const o of wrong) console.log(`  WRONG ${o.family}: ${o.probe} -> ${o.status} (expected ${o.expected})`);
  console.log(`5xx answers: ${fivexx.length}; wrong answers: ${wrong.length}`);
  process.exitCode = wrong.length > 0 ? 1 : 0;
}

async function main(): Promise<void> {
  const urlArg = process.argv.indexOf('--url');
  const feed = await serveFeed();
  let instance: { url: URL; child: ChildProcess; dir: string } | undefined;
  try {
    const base = urlArg > 0 ? new URL(process.argv[urlArg + 1]) : (instance = await startInstance(`${feed.base}/feed.xml`)).url;
    if (urlArg > 0) {
      for (const url of [`${feed.base}/feed.xml`, 'http://localhost:9/feed.xml']) await send(base, 'POST', '/api/v1/sources', json({}).headers, JSON.stringify({ url }));
    }
    await run(base, feed.base);
  } finally {
    feed.server.close();
    if (instance) {
      instance.child.kill('SIGTERM');
      await new Promise((r) => instance?.child.once('exit', r));
      rmSync(instance.dir, { recursive: true, force: true });
    }
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
