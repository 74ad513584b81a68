// Fetch throughput: 500 GETs of a 50 KB feed from a loopback server, 16 at a time, through
// (a) a plain undici `request` and (b) the GuardedFetcher (SSRF guard at connect time, size and
// time limits, decompression), alternating rounds; prints requests/s (median of the rounds) and the ratio.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/fetch-throughput.js
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { GuardedFetcher } from '@autoglm/crawler-feature';

const REQUESTS = 500;
const CONCURRENCY = 16;
const ROUNDS = 15;
const FEED_BYTES = 50 * 1024;

function feedOf(bytes: number): Buffer {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes - 200; i++) {
    const item = `<item><title>Item ${i}</title><link>https://bench.example.com/${i}</link><description>Some text about item ${i}, long enough to look like a summary.</description></item>`;
    items.push(item);
    size += item.length;
  }
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title>${items.join('')}</channel></rss>`);
}

async function startServer(body: Buffer): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml` };
}

async function run(fetchOne: () => Promise<number>): Promise<{ seconds: number; bytes: number }> {
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const received = await fetchOne();
      bytes += received;
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const body = feedOf(FEED_BYTES);
  const { server, url } = await startServer(body);
  const agent = new Agent();
  const fetcher = new GuardedFetcher({ timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 5, userAgent: 'autoglm-bench', allowHosts: ['127.0.0.1'] });
  const plain = async () => {
    const response = await request(url, { dispatcher: agent });
    return (await response.body.arrayBuffer()).byteLength;
  };
  const guarded = async () => (await fetcher.fetch(url)).body.length;
  try {
    await run(plain); // warm-up: connections, JIT
    await run(guarded);
    const rates = { plain: [] as number[], guarded: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const a = await run(plain);
      const b = await run(guarded);
      if (a.bytes !== REQUESTS * body.length || b.bytes !== REQUESTS * body.length) throw new Error('a response was cut short');
      rates.plain.push(REQUESTS / a.seconds);
      rates.guarded.push(REQUESTS / b.seconds);
    }
    const a = median(rates.plain);
    const b = median(rates.guarded);
    console.log(`\nfetch-throughput: ${REQUESTS} GETs of a ${(body.length / 1024).toFixed(0)} KB feed, concurrency ${CONCURRENCY}, loopback, median of ${ROUNDS} rounds\n`);
    console.table([
      { mode: '(a) undici request (plain)', 'requests/s': Math.round(a), 'MB/s': +((a * body.length) / 1e6).toFixed(1) },
      { mode: '(b) GuardedFetcher', 'requests/s': Math.round(b), 'MB/s': +((b * body.length) / 1e6).toFixed(1) },
    ]);
    console.log(`ratio (b)/(a): ${(b / a).toFixed(2)}×   (goal ≥ 0.80×)`);
  } finally {
    await fetcher.close();
    await agent.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
