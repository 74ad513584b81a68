// Bulk embedding over gRPC, per-text answers: the same 1,000 texts sent to a running analysis
// service (loopback) as (a) one unary Embed per text from 16 concurrent callers, (b) unary Embed
// calls of 100 texts (a client batching by hand; one bad text fails its whole call), and (c) one
// EmbedStream (ids echoed, per-item errors, bulk lane, bounded in-flight). Prints texts/s and ratios.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/embed-stream.js
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ensureModelBuilt, startAnalysisService } from '@autoglm/analysis-feature';
import type { analysis } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { closeGrpcClients, createGrpcClient, grpcChannelSetup, grpcLoaderOptions, protoPath } from '@autoglm/shared-grpc';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';

const TEXTS = 1_000;
const CALLERS = 16;
const CHUNK = 100;
const WORDS = 'the market rose as investors welcomed news that the central bank would hold rates while the football club won the cup and astronauts returned from orbit after months in space'.split(' ');

function makeTexts(): string[] {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: TEXTS }, (_, i) =>
    `${Array.from({ length: 8 + Math.floor(random() * 30) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')} ${i}`,
  );
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

type StreamClient = grpc.Client & { EmbedStream(): grpc.ClientDuplexStream<analysis.EmbedStreamRequest, analysis.EmbedStreamResponse> };

function streamed(client: StreamClient, texts: string[]): Promise<Map<string, number[]>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, number[]>();
    const call = client.EmbedStream();
    call.on('data', (a: analysis.EmbedStreamResponse) => out.set(a.id, a.embedding?.vector ?? []));
    call.on('error', reject);
    call.on('end', () => resolve(out));
    // write() honours the stream's own flow control: wait for 'drain' when the buffer is full.
    let i = 0;
    const writeMore = () => {
      while (i < texts.length) {
        const ok = call.write({ id: String(i), text: texts[i] as string, model: '' });
        i++;
        if (!ok) return void call.once('drain', writeMore);
      }
      call.end();
    };
    writeMore();
  });
}

async function main(): Promise<void> {
  const config = defaultConfig();
  config.grpc.analysis = `127.0.0.1:${await freePort()}`;
  config.grpc.storage = `127.0.0.1:${await freePort()}`;
  config.analysis = { ...config.analysis, modelDir: ensureModelBuilt(), reembed: { ...config.analysis.reembed, enabled: false } };
  const service = await startAnalysisService(config);
  const unary = createGrpcClient<analysis.AnalysisServiceClient>('analysis', { url: config.grpc.analysis, deadlineMs: 120_000 });
  const definition = grpc.loadPackageDefinition(loadSync(protoPath('analysis'), grpcLoaderOptions())) as unknown as {
    autoglm: { analysis: { v1: { AnalysisService: grpc.ServiceClientConstructor } } };
  };
  const setup = grpcChannelSetup(config.grpcSecurity, 600_000);
  const raw = new definition.autoglm.analysis.v1.AnalysisService(config.grpc.analysis, setup.credentials, setup.options) as unknown as StreamClient;
  try {
    const texts = makeTexts();
    await unary.client.embed({ texts: texts.slice(0, 50), model: '' }); // warm-up
    const a = await timed(async () => {
      const out: number[][] = new Array(texts.length);
      let next = 0;
      const caller = async () => {
        while (next < texts.length) {
          const i = next++;
          out[i] = (await unary.client.embed({ texts: [texts[i] as string], model: '' })).embeddings[0]?.vector ?? [];
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
      return out;
    });
    const b = await timed(async () => {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += CHUNK) {
        out.push(...(await unary.client.embed({ texts: texts.slice(i, i + CHUNK), model: '' })).embeddings.map((e) => e.vector));
      }
      return out;
    });
    const c = await timed(() => streamed(raw, texts));

    let maxDiff = 0;
    a.result.forEach((v, i) => v.forEach((x, d) => (maxDiff = Math.max(maxDiff, Math.abs(x - (c.result.get(String(i))?.[d] ?? NaN))))));
    if (c.result.size !== TEXTS || !(maxDiff < 1e-4)) throw new Error(`the stream answered ${c.result.size} texts, max |a−c| ${maxDiff}`);
    const rate = (s: number) => Math.round(TEXTS / s);
    console.log(`\nembed-stream: ${TEXTS} texts over loopback gRPC, default model, ${config.analysis.streamMaxInFlight} in flight per stream\n`);
    console.table([
      { mode: `(a) unary Embed per text, ${CALLERS} callers`, 'texts/s': rate(a.seconds), seconds: +a.seconds.toFixed(2) },
      { mode: `(b) unary Embed, ${CHUNK} texts per call, sequential`, 'texts/s': rate(b.seconds), seconds: +b.seconds.toFixed(2) },
      { mode: '(c) one EmbedStream', 'texts/s': rate(c.seconds), seconds: +c.seconds.toFixed(2) },
    ]);
    console.log(`ratio (c)/(a): ${(a.seconds / c.seconds).toFixed(2)}×   ratio (c)/(b): ${(b.seconds / c.seconds).toFixed(2)}×   max |a−c|: ${maxDiff.toExponential(1)}`);
  } finally {
    raw.close();
    unary.close();
    await service.close();
    closeGrpcClients();
    await closeInProcessQueues();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
