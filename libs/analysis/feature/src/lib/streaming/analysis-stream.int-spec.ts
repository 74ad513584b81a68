import 'reflect-metadata';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { analysis } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { closeGrpcClients, createGrpcClient, grpcChannelSetup, grpcLoaderOptions, protoPath, type GrpcClientHandle, type RunningService } from '@autoglm/shared-grpc';
import { closeInProcessQueues } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startAnalysisService } from '../analysis.module';
import { ensureModelBuilt } from '../model/model-build';

const WORDS = ['cat', 'dog', 'market', 'rocket', 'election', 'football', 'rain', 'bank', 'doctor', 'music', 'court', 'river'];

/** 500 distinct English texts of three to six words. */
const TEXTS = Array.from({ length: 500 }, (_, i) =>
  Array.from({ length: 3 + (i % 4) }, (_, k) => WORDS[(i * 7 + k * 5 + Math.floor(i / 12)) % WORDS.length]).join(' ') + ` ${i}`,
);

type StreamCall<Req, Res> = grpc.ClientDuplexStream<Req, Res>;

/** Writes every request, ends the stream and collects every answer until the server ends it. */
function exchange<Req, Res>(call: StreamCall<Req, Res>, requests: Req[]): Promise<Res[]> {
  return new Promise((resolve, reject) => {
    const answers: Res[] = [];
    call.on('data', (answer: Res) => answers.push(answer));
    call.on('error', reject);
    call.on('end', () => resolve(answers));
    for (const request of requests) call.write(request);
    call.end();
  });
}

describe('analysis streams over gRPC', () => {
  let service: RunningService;
  let config: AppConfig;
  let unary: GrpcClientHandle<analysis.AnalysisServiceClient>;
  let raw: grpc.Client & {
    EmbedStream(): StreamCall<analysis.EmbedStreamRequest, analysis.EmbedStreamResponse>;
    AnalyzeStream(): StreamCall<analysis.AnalyzeStreamRequest, analysis.AnalyzeStreamResponse>;
  };

  beforeAll(async () => {
    config = defaultConfig();
    config.grpc.analysis = `127.0.0.1:${await freePort()}`;
    // No storage in this spec: the re-embedding worker stays off.
    config.grpc.storage = `127.0.0.1:${await freePort()}`;
    config.analysis = { ...config.analysis, modelDir: ensureModelBuilt(), streamMaxInFlight: 16, reembed: { ...config.analysis.reembed, enabled: false } };
    service = await startAnalysisService(config);
    unary = createGrpcClient<analysis.AnalysisServiceClient>('analysis', { url: config.grpc.analysis, deadlineMs: 30_000 });
    const definition = grpc.loadPackageDefinition(loadSync(protoPath('analysis'), grpcLoaderOptions())) as unknown as {
      autoglm: { analysis: { v1: { AnalysisService: grpc.ServiceClientConstructor } } };
    };
    // The service token and a default deadline on every stream, as the services' own clients have them.
    const setup = grpcChannelSetup(config.grpcSecurity, 60_000);
    raw = new definition.autoglm.analysis.v1.AnalysisService(config.grpc.analysis, setup.credentials, setup.options) as unknown as typeof raw;
  }, 120_000);

  afterAll(async () => {
    raw?.close();
    unary?.close();
    await service?.close();
    closeGrpcClients();
    await closeInProcessQueues();
  });

  it('answers each of 500 streamed texts once, with the unary Embed vectors, and a per-item error for an empty text or unknown model', async () => {
    const requests: analysis.EmbedStreamRequest[] = TEXTS.map((text, i) => ({ id: `t${i}`, text, model: '' }));
    requests.splice(250, 0, { id: 'empty', text: '  ', model: '' });
    requests.push({ id: 'unknown-model', text: 'cat', model: 'bert-huge' }, { id: '', text: 'no id', model: '' });

    const answers = await exchange(raw.EmbedStream(), requests);

    const ids = answers.map((a) => a.id);
    expect(ids).toHaveLength(requests.length);
    expect(new Set(ids)).toEqual(new Set(requests.map((r) => r.id)));
    const byId = new Map(answers.map((a) => [a.id, a]));
    expect(byId.get('empty')).toMatchObject({ error: { code: grpc.status.INVALID_ARGUMENT, message: 'text is empty' }, embedding: null });
    expect(byId.get('unknown-model')).toMatchObject({ error: { code: grpc.status.NOT_FOUND, message: expect.stringMatching(/^model bert-huge is not installed/) } });
    expect(byId.get('')).toMatchObject({ error: { code: grpc.status.INVALID_ARGUMENT, message: expect.stringContaining('id is required') } });

    const head = await unary.client.embed({ texts: TEXTS.slice(0, 256), model: '' });
    const expected = [...head.embeddings, ...(await unary.client.embed({ texts: TEXTS.slice(256), model: '' })).embeddings];
    TEXTS.forEach((_, i) => {
      const answer = byId.get(`t${i}`);
      expect(answer).toMatchObject({ error: null, modelVersion: head.modelVersion });
      expect(answer?.embedding?.vector.length).toBeGreaterThan(0);
      expect(answer?.embedding?.vector).toHaveLength(expected[i]?.vector.length as number);
      answer?.embedding?.vector.forEach((v, k) => expect(v).toBeCloseTo(expected[i]?.vector[k] as number, 5));
    });
    // Every streamed text went through the batcher (the lane is checked in analysis.controller.spec.ts).
    const { model } = await unary.client.getModelInfo({});
    expect(Number(model?.metrics?.submitted)).toBeGreaterThanOrEqual(2 * TEXTS.length);
  });

  it('analyses streamed articles like the unary Analyze, with a per-item error for an empty one', async () => {
    const article = { title: 'Police arrest suspect', text: 'Police arrested a suspect in the murder case on Monday, and prosecutors said he would face trial.' };
    const answers = await exchange(raw.AnalyzeStream(), [
      { id: 'a', ...article },
      { id: 'blank', title: '', text: ' ' },
      { id: 'b', title: 'Rocket launch', text: 'The rocket lifted off and reached orbit.' },
    ]);

    expect(answers.map((a) => a.id).sort()).toEqual(['a', 'b', 'blank']);
    const byId = new Map(answers.map((a) => [a.id, a]));
    expect(byId.get('blank')).toMatchObject({ analysis: null, error: { code: grpc.status.INVALID_ARGUMENT, message: 'title and text are both empty' } });
    const expected = await unary.client.analyze(article);
    const got = byId.get('a')?.analysis;
    expect(got).toMatchObject({ language: expected.language, topic: expected.topic, keywords: expected.keywords, simhash: expected.simhash, summary: expected.summary });
    expect(got?.embedding?.vector).toEqual(expected.embedding?.vector.map((v) => expect.closeTo(v, 5)));
    expect(byId.get('b')).toMatchObject({ error: null, analysis: { language: 'en', modelVersion: expected.modelVersion } });
  });

  it('answers an empty stream with an empty stream', async () => {
    expect(await exchange(raw.EmbedStream(), [])).toEqual([]);
  });
});
