import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { EventType, SourceKind, SourceStatus, storage, type Source } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { createGrpcClient, type GrpcClientHandle } from './grpc-client';
import { grpcLoaderOptions } from './loader-options';
import { protoPath } from './services';

/**
 * Proves that what proto-loader (configured by grpcLoaderOptions) delivers at run time has
 * exactly the shape of the ts-proto generated interfaces: int64 as strings, numeric enums,
 * zero values for absent scalars, [] for absent repeated fields, Timestamp as {seconds, nanos}.
 */

// Compile-time list of the generated Source fields: adding a field to the proto without
// updating this record fails type checking, so the runtime comparison below stays complete.
const SOURCE_FIELDS: Record<keyof Source, true> = {
  id: true,
  url: true,
  title: true,
  kind: true,
  status: true,
  intervalSeconds: true,
  lastError: true,
  consecutiveFailures: true,
  lastFetchedAt: true,
  nextCheckAt: true,
  createdAt: true,
  articleCount: true,
  origin: true,
  effectiveIntervalSeconds: true,
  category: true,
  fullText: true,
  etag: true,
  lastModified: true,
  sourceOptionsJson: true,
  fullTextPending: true,
  pausedAt: true,
};

describe('generated contracts vs the runtime loader', () => {
  let server: grpc.Server;
  let handle: GrpcClientHandle<storage.StorageServiceClient>;
  const received: unknown[] = [];

  beforeAll(async () => {
    const def = loadSync(protoPath('storage'), grpcLoaderOptions());
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      autoglm: { storage: { v1: { StorageService: { service: grpc.ServiceDefinition } } } };
    };
    server = new grpc.Server();
    server.addService(pkg.autoglm.storage.v1.StorageService.service, {
      GetSource: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        received.push(call.request);
        if ((call.request as { id: string }).id === 'missing') {
          cb({ code: grpc.status.NOT_FOUND, details: 'source missing not found' });
          return;
        }
        // Only some fields set: the rest must arrive as their zero values.
        cb(null, {
          source: {
            id: 'abc',
            kind: SourceKind.SOURCE_KIND_FEED,
            status: SourceStatus.SOURCE_STATUS_ERROR,
            articleCount: '9007199254740993',
            createdAt: { seconds: '1764000000', nanos: 5 },
          },
        });
      },
      RecordEvent: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        received.push(call.request);
        cb(null, {});
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: `127.0.0.1:${port}`, deadlineMs: 5000 });
  });

  afterAll(() => {
    handle.close();
    server.forceShutdown();
  });

  it('decodes a response into exactly the generated shape', async () => {
    const { source } = await handle.client.getSource({ id: 'abc' });
    // proto3 `optional` fields (generated as `field?:`) are absent when unset, not zero values.
    const optional = new Set<string>(['sourceOptionsJson']);
    expect(Object.keys(source!).sort()).toEqual(Object.keys(SOURCE_FIELDS).filter((k) => !optional.has(k)).sort());
    expect(source).toEqual({
      id: 'abc',
      url: '',
      title: '',
      kind: SourceKind.SOURCE_KIND_FEED,
      status: SourceStatus.SOURCE_STATUS_ERROR,
      intervalSeconds: 0,
      lastError: '',
      consecutiveFailures: 0,
      lastFetchedAt: null,
      nextCheckAt: null,
      createdAt: { seconds: '1764000000', nanos: 5 },
      articleCount: '9007199254740993',
      origin: '',
      effectiveIntervalSeconds: 0,
      category: '',
      fullText: false,
      etag: '',
      lastModified: '',
      fullTextPending: '0',
      pausedAt: null,
    });
    // int64 beyond 2^53 survives as a string (forceLong=string ↔ longs: String).
    expect(typeof source!.articleCount).toBe('string');
  });

  it('encodes requests with enums as numbers and defaults filled', async () => {
    await handle.client.recordEvent({
      articleId: 'a1',
      type: EventType.EVENT_TYPE_LIKE,
      dwellSeconds: 0,
      occurredAt: undefined,
    });
    expect(received.at(-1)).toEqual({
      articleId: 'a1',
      type: EventType.EVENT_TYPE_LIKE,
      dwellSeconds: 0,
      occurredAt: null,
    });
  });

  it('turns a gRPC status into a typed RemoteCallError', async () => {
    await expect(handle.client.getSource({ id: 'missing' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: 'source missing not found',
      grpcCode: grpc.status.NOT_FOUND,
    });
  });

  it('applies the deadline to every call', async () => {
    const slow = createGrpcClient<storage.StorageServiceClient>('storage', { url: '127.0.0.1:9', deadlineMs: 200 });
    try {
      await expect(slow.client.getSource({ id: 'x' })).rejects.toMatchObject({ code: expect.stringMatching(/UNAVAILABLE|DEADLINE_EXCEEDED/) });
    } finally {
      slow.close();
    }
  });
});
