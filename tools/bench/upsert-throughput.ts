// Article upsert throughput through the storage service (gRPC → one transaction per call, outbox
// row per written article) on PGlite: 5,000 feed items in batches of 100 next to the same 5,000
// items one call each, plus a replay of the batches (every item unchanged). Prints a table and the ratio.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/upsert-throughput.js
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceKind, type storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { createGrpcClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { startStorageService } from '@autoglm/storage-feature';

const ITEMS = 5_000;
const BATCH = 100;

const WORDS = 'market energy river model chip league storm budget museum rocket harvest policy telescope guitar'.split(' ');

function item(prefix: string, i: number): storage.FeedItem {
  const words = Array.from({ length: 80 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
  return {
    itemKey: `${prefix}-${i}`,
    guid: `${prefix}-${i}`,
    url: `https://bench.example.org/${prefix}/${i}`,
    title: `${WORDS[i % WORDS.length]} story ${i}`,
    author: 'bench',
    publishedAt: undefined,
    contentHtml: `<p>${words}</p>`,
    text: words,
    contentHash: `${prefix}-h${i}`,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-upsert-'));
  const queues = new InProcessQueueFactory();
  const base = defaultConfig();
  const config = {
    ...base,
    database: { ...base.database, url: '', dataDir: join(dir, 'pglite') },
    grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` },
  };
  try {
    const service = await startStorageService(config, { queueFactory: queues });
    const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 120_000 });
    const sut = handle.client;
    const source = async (name: string) => {
      const { source: created } = await sut.createSource({
        url: `https://bench.example.org/${name}.xml`,
        title: name,
        kind: SourceKind.SOURCE_KIND_UNSPECIFIED,
        intervalSeconds: 0,
        origin: '',
        ifMissing: false,
        category: '',
        fullText: false,
      });
      if (!created) throw new Error('no source created');
      return created.id;
    };
    // Warm-up (connections, statement paths, jieba dictionaries), not measured.
    const warm = await source('warm');
    for (let i = 0; i < 50; i++) await sut.upsertArticles({ sourceId: warm, items: [item('warm', i)] });

    const batchedSource = await source('batched');
    const singleSource = await source('single');
    const time = async (run: () => Promise<number>) => {
      const start = process.hrtime.bigint();
      const written = await run();
      return { seconds: Number(process.hrtime.bigint() - start) / 1e9, written };
    };
    const batched = await time(async () => {
      let written = 0;
      for (let from = 0; from < ITEMS; from += BATCH) {
        const items = Array.from({ length: Math.min(BATCH, ITEMS - from) }, (_, k) => item('b', from + k));
        written += (await sut.upsertArticles({ sourceId: batchedSource, items })).inserted;
      }
      return written;
    });
    const single = await time(async () => {
      let written = 0;
      for (let i = 0; i < ITEMS; i++) written += (await sut.upsertArticles({ sourceId: singleSource, items: [item('s', i)] })).inserted;
      return written;
    });
    const replay = await time(async () => {
      let unchanged = 0;
      for (let from = 0; from < ITEMS; from += BATCH) {
        const items = Array.from({ length: Math.min(BATCH, ITEMS - from) }, (_, k) => item('b', from + k));
        unchanged += (await sut.upsertArticles({ sourceId: batchedSource, items })).unchanged;
      }
      return unchanged;
    });
    handle.close();
    await service.close();
    if (batched.written !== ITEMS || single.written !== ITEMS || replay.written !== ITEMS) {
      throw new Error(`expected ${ITEMS} each, got batched ${batched.written}, single ${single.written}, replay ${replay.written}`);
    }

    const rate = (r: { seconds: number }) => ITEMS / r.seconds;
    console.table([
      { mode: `one-by-one (${ITEMS} calls of 1 item)`, seconds: single.seconds.toFixed(2), articles_per_s: rate(single).toFixed(0), ratio: '1.00' },
      {
        mode: `batched (${ITEMS / BATCH} calls of ${BATCH} items)`,
        seconds: batched.seconds.toFixed(2),
        articles_per_s: rate(batched).toFixed(0),
        ratio: (rate(batched) / rate(single)).toFixed(2),
      },
      {
        mode: `batched replay (all unchanged)`,
        seconds: replay.seconds.toFixed(2),
        articles_per_s: rate(replay).toFixed(0),
        ratio: (rate(replay) / rate(single)).toFixed(2),
      },
    ]);
    console.log(`batched / one-by-one throughput: ${(rate(batched) / rate(single)).toFixed(2)}×  (PGlite, in-process queue)`);
  } finally {
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
