import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fromJSON, loadSync } from '@grpc/proto-loader';
import { Controller, Module } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { crawler } from '@autoglm/contracts';
import { defaultConfig, type AppConfig, type GrpcSecurityConfig } from '@autoglm/shared-config';
import { createGrpcClient, grpcChannelSetup } from './grpc-client';
import { startGrpcService, type RunningService } from './grpc-service-host';
import { HEALTH_LOADER_OPTIONS, HEALTH_PROTO_DESCRIPTOR, ServingStatus, type HealthStatusBoard } from './health/health-service';
import { grpcLoaderOptions } from './loader-options';
import { actorOf, SERVICE_TOKEN_METADATA } from './service-auth';
import { protoPath } from './services';
import { freeGrpcPort } from './testing/free-grpc-port';

/** What the probe handler saw: one entry per call that reached it. */
const handled: Array<{ url: string; actor: string }> = [];

@Controller()
class ProbeController {
  @GrpcMethod('CrawlerService', 'ProbeUrl')
  probeUrl(request: crawler.ProbeUrlRequest, metadata: grpc.Metadata): crawler.ProbeUrlResponse {
    handled.push({ url: request.url, actor: actorOf(metadata) });
    return { finalUrl: request.url, httpStatus: 200, contentType: 'text/plain' };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const TOKEN = 'test-service-token-0123456789abcdefghijklmnop';

interface Probe {
  url: string;
  health: HealthStatusBoard;
  running: RunningService;
}

async function startProbe(security: Partial<GrpcSecurityConfig>): Promise<Probe> {
  const base = defaultConfig();
  const config: AppConfig = {
    ...base,
    grpc: { ...base.grpc, crawler: `127.0.0.1:${await freeGrpcPort()}` },
    grpcSecurity: { ...base.grpcSecurity, ...security },
  };
  const { running, health } = await startGrpcService('crawler', ProbeModule, config);
  return { url: config.grpc.crawler, health, running };
}

type RawCrawler = grpc.Client & {
  ProbeUrl(request: crawler.ProbeUrlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<crawler.ProbeUrlResponse>): void;
};

const CrawlerService = (
  grpc.loadPackageDefinition(loadSync(protoPath('crawler'), grpcLoaderOptions())) as unknown as {
    autoglm: { crawler: { v1: { CrawlerService: grpc.ServiceClientConstructor } } };
  }
).autoglm.crawler.v1.CrawlerService;

const HealthClient = (
  grpc.loadPackageDefinition(fromJSON(HEALTH_PROTO_DESCRIPTOR, HEALTH_LOADER_OPTIONS)) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  }
).grpc.health.v1.Health;

type RawHealth = grpc.Client & {
  Check(request: { service: string }, options: grpc.CallOptions, callback: grpc.requestCallback<{ status: number }>): void;
  Watch(request: { service: string }, options?: grpc.CallOptions): grpc.ClientReadableStream<{ status: number }>;
};

function rawCrawler(url: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions): RawCrawler {
  return new CrawlerService(url, credentials, options) as unknown as RawCrawler;
}

function rawHealth(url: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions): RawHealth {
  return new HealthClient(url, credentials, options) as unknown as RawHealth;
}

/** The outcome of one ProbeUrl call: its answer, or its gRPC status code. */
function probe(client: RawCrawler, url: string, metadata = new grpc.Metadata()): Promise<{ code: number; answer?: crawler.ProbeUrlResponse }> {
  return new Promise((resolve) => {
    client.ProbeUrl({ url }, metadata, { deadline: Date.now() + 5_000 }, (error, answer) =>
      resolve(error ? { code: error.code } : { code: grpc.status.OK, answer }),
    );
  });
}

function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set(SERVICE_TOKEN_METADATA, `Bearer ${token}`);
  return metadata;
}

describe(startGrpcService.name, () => {
  describe('service token', () => {
    let sut: Probe;
    let raw: RawCrawler;

    beforeAll(async () => {
      sut = await startProbe({ authToken: TOKEN });
      raw = rawCrawler(sut.url, grpc.credentials.createInsecure());
    });

    afterAll(async () => {
      raw?.close();
      await sut?.running.close();
    });

    beforeEach(() => void (handled.length = 0));

    it('refuses a call without a token, or with a wrong one, with UNAUTHENTICATED before the handler runs', async () => {
      expect(await probe(raw, 'https://a.example/')).toEqual({ code: grpc.status.UNAUTHENTICATED });
      expect(await probe(raw, 'https://b.example/', bearer(`${TOKEN}x`))).toEqual({ code: grpc.status.UNAUTHENTICATED });
      expect(await probe(raw, 'https://c.example/', bearer(TOKEN.slice(0, -1)))).toEqual({ code: grpc.status.UNAUTHENTICATED });
      const notBearer = new grpc.Metadata();
      notBearer.set(SERVICE_TOKEN_METADATA, TOKEN);
      expect(await probe(raw, 'https://d.example/', notBearer)).toEqual({ code: grpc.status.UNAUTHENTICATED });
      expect(handled).toEqual([]);
    });

    it('serves a call with the token', async () => {
      expect(await probe(raw, 'https://e.example/', bearer(TOKEN))).toMatchObject({ code: grpc.status.OK, answer: { finalUrl: 'https://e.example/' } });
      expect(handled).toEqual([{ url: 'https://e.example/', actor: '' }]);
    });

    it('lets a client configured with the token through, carrying the acting user in metadata', async () => {
      const handle = createGrpcClient<crawler.CrawlerServiceClient>('crawler', {
        url: sut.url,
        deadlineMs: 5_000,
        security: { ...defaultConfig().grpcSecurity, authToken: TOKEN },
      });
      try {
        await expect(handle.client.probeUrl({ url: 'https://f.example/' }, { actor: 'user-7' })).resolves.toMatchObject({ httpStatus: 200 });
        expect(handled).toEqual([{ url: 'https://f.example/', actor: 'user-7' }]);
      } finally {
        handle.close();
      }
    });

    it('refuses a client of another deployment (another token) with a typed error', async () => {
      const handle = createGrpcClient<crawler.CrawlerServiceClient>('crawler', { url: sut.url, deadlineMs: 5_000 });
      try {
        await expect(handle.client.probeUrl({ url: 'https://g.example/' })).rejects.toMatchObject({ grpcCode: grpc.status.UNAUTHENTICATED });
        expect(handled).toEqual([]);
      } finally {
        handle.close();
      }
    });
  });

  describe('without a configured token (embedded)', () => {
    it("expects the process's random token, which the process's own clients send", async () => {
      const sut = await startProbe({});
      const raw = rawCrawler(sut.url, grpc.credentials.createInsecure());
      const handle = createGrpcClient<crawler.CrawlerServiceClient>('crawler', { url: sut.url, deadlineMs: 5_000 });
      try {
        expect(await probe(raw, 'https://h.example/')).toEqual({ code: grpc.status.UNAUTHENTICATED });
        await expect(handle.client.probeUrl({ url: 'https://h.example/' })).resolves.toMatchObject({ httpStatus: 200 });
      } finally {
        handle.close();
        raw.close();
        await sut.running.close();
      }
    });

    it('serves anyone only when told to (allowUnauthenticated)', async () => {
      const sut = await startProbe({ allowUnauthenticated: true });
      const raw = rawCrawler(sut.url, grpc.credentials.createInsecure());
      try {
        expect(await probe(raw, 'https://i.example/')).toMatchObject({ code: grpc.status.OK });
      } finally {
        raw.close();
        await sut.running.close();
      }
    });
  });

  describe('health', () => {
    let sut: Probe;
    let health: RawHealth;

    beforeAll(async () => {
      sut = await startProbe({ authToken: TOKEN });
      // No token: orchestrators' probes send no metadata.
      health = rawHealth(sut.url, grpc.credentials.createInsecure());
    });

    afterAll(async () => {
      health?.close();
      await sut?.running.close();
    });

    const check = (service: string) =>
      new Promise<{ code: number; status?: number }>((resolve) =>
        health.Check({ service }, { deadline: Date.now() + 5_000 }, (error, answer) =>
          resolve(error ? { code: error.code } : { code: grpc.status.OK, status: answer?.status }),
        ),
      );

    it('answers SERVING for the server ("") and for the service, NOT_FOUND for another', async () => {
      expect(await check('')).toEqual({ code: grpc.status.OK, status: ServingStatus.SERVING });
      expect(await check('autoglm.crawler.v1.CrawlerService')).toEqual({ code: grpc.status.OK, status: ServingStatus.SERVING });
      expect(await check('autoglm.storage.v1.StorageService')).toEqual({ code: grpc.status.NOT_FOUND });
    });

    it('streams the status to a watcher when it changes', async () => {
      const call = health.Watch({ service: '' });
      const seen: number[] = [];
      const twice = new Promise<void>((resolve, reject) => {
        call.on('data', (answer: { status: number }) => {
          seen.push(answer.status);
          if (seen.length === 1) sut.health.set('', ServingStatus.NOT_SERVING);
          if (seen.length === 2) resolve();
        });
        call.on('error', reject);
      });
      await twice;
      call.cancel();
      expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
      sut.health.set('', ServingStatus.SERVING);
    });
  });

  describe('reflection', () => {
    const ReflectionClient = (
      grpc.loadPackageDefinition(loadSync(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), grpcLoaderOptions())) as unknown as {
        grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
      }
    ).grpc.reflection.v1.ServerReflection;

    /** The services a list_services request names, or the call's status code. */
    async function listServices(reflection: boolean, metadata: grpc.Metadata): Promise<string[] | number> {
      const sut = await startProbe({ authToken: TOKEN, reflection });
      const client = new ReflectionClient(sut.url, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
        ServerReflectionInfo(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, { listServicesResponse?: { service: Array<{ name: string }> } }>;
      };
      try {
        return await new Promise<string[] | number>((resolve) => {
          const call = client.ServerReflectionInfo(metadata);
          call.on('data', (answer: { listServicesResponse?: { service: Array<{ name: string }> } }) => {
            resolve(answer.listServicesResponse?.service.map((s) => s.name) ?? []);
            call.cancel();
          });
          call.on('error', (error: grpc.ServiceError) => resolve(error.code));
          call.write({ listServices: '' });
        });
      } finally {
        client.close();
        await sut.running.close();
      }
    }

    it('lists the service to a caller with the token when on', async () => {
      expect(await listServices(true, bearer(TOKEN))).toEqual(expect.arrayContaining(['autoglm.crawler.v1.CrawlerService']));
    });

    it('needs the token like every other call', async () => {
      expect(await listServices(true, new grpc.Metadata())).toBe(grpc.status.UNAUTHENTICATED);
    });

    it('is not there when off (production)', async () => {
      expect(await listServices(false, bearer(TOKEN))).toBe(grpc.status.UNIMPLEMENTED);
    });
  });

  describe('draining queued work', () => {
    it('starts the drain once, at stopTakingWork, with its deadline; close() waits for that same drain', async () => {
      const base = defaultConfig();
      const config: AppConfig = { ...base, grpc: { ...base.grpc, crawler: `127.0.0.1:${await freeGrpcPort()}` } };
      const drains: number[] = [];
      let finish: () => void = () => undefined;
      const drained = new Promise<void>((resolve) => (finish = resolve));
      const { running } = await startGrpcService('crawler', ProbeModule, config, async (_app, drainBy) => {
        drains.push(drainBy);
        await drained;
      });
      const drainBy = Date.now() + 60_000;
      running.stopTakingWork?.(drainBy);
      let closed = false;
      const closing = running.close({ drainBy: drainBy + 1 }).then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 50));
      expect({ drains, closed }).toEqual({ drains: [drainBy], closed: false });
      finish();
      await closing;
      expect({ drains, closed }).toEqual({ drains: [drainBy], closed: true });
    });
  });

  describe('limits', () => {
    let sut: Probe;

    beforeAll(async () => {
      sut = await startProbe({ authToken: TOKEN, maxReceiveMessageBytes: 64 * 1024 });
    });

    afterAll(() => sut?.running.close());

    it('refuses a request larger than the receive limit with RESOURCE_EXHAUSTED', async () => {
      const setup = grpcChannelSetup({ ...defaultConfig().grpcSecurity, authToken: TOKEN }, 5_000);
      const raw = rawCrawler(sut.url, setup.credentials, setup.options);
      handled.length = 0;
      try {
        expect(await probe(raw, `https://j.example/${'x'.repeat(70 * 1024)}`)).toEqual({ code: grpc.status.RESOURCE_EXHAUSTED });
        expect(await probe(raw, 'https://j.example/small')).toMatchObject({ code: grpc.status.OK });
        expect(handled.map((h) => h.url)).toEqual(['https://j.example/small']);
      } finally {
        raw.close();
      }
    });

    it('gives a stream opened without a deadline the default one', async () => {
      const setup = grpcChannelSetup({ ...defaultConfig().grpcSecurity, authToken: TOKEN }, 300);
      const health = rawHealth(sut.url, setup.credentials, setup.options);
      try {
        // Watch never ends by itself: only the interceptor's deadline can end it.
        const call = health.Watch({ service: '' });
        const code = await new Promise<number>((resolve) => {
          call.on('data', () => undefined);
          call.on('error', (error: grpc.ServiceError) => resolve(error.code));
        });
        expect(code).toBe(grpc.status.DEADLINE_EXCEEDED);
      } finally {
        health.close();
      }
    });
  });

  describe('mutual TLS', () => {
    let dir: string;
    let sut: Probe | undefined;
    let why = '';

    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

    /** A key and a certificate signed by the CA named `ca` (EC P-256, one day). */
    const issue = (name: string, ca: string, extensions: string) => {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      writeFileSync(join(dir, `${name}.ext`), extensions);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
    };

    const tls = (name: string) => ({ caFile: join(dir, 'ca.pem'), certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'autoglm-mtls-'));
      try {
        for (const ca of ['ca', 'rogue-ca']) {
          openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '1', '-subj', `/CN=${ca}`);
        }
      } catch (error) {
        why = `the openssl command-line tool is not usable here (${(error as Error).message}); mutual TLS is not tested`;
        return;
      }
      issue('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
      issue('client', 'ca', 'extendedKeyUsage=clientAuth\n');
      issue('rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
      sut = await startProbe({ authToken: TOKEN, tls: tls('server') });
    });

    afterAll(async () => {
      await sut?.running.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const call = async (security: Partial<GrpcSecurityConfig>): Promise<number> => {
      if (!sut) throw new Error(why);
      const setup = grpcChannelSetup({ ...defaultConfig().grpcSecurity, authToken: TOKEN, ...security }, 5_000);
      const raw = rawCrawler(sut.url, setup.credentials, setup.options);
      try {
        return (await probe(raw, 'https://k.example/')).code;
      } finally {
        raw.close();
      }
    };

    it('accepts a client with a certificate signed by the CA', async () => {
      if (why) return console.warn(why);
      expect(await call({ tls: tls('client') })).toBe(grpc.status.OK);
    });

    it('refuses clients without a certificate, with one of another CA, and in plaintext', async () => {
      if (why) return console.warn(why);
      handled.length = 0;
      expect(await call({ tls: tls('rogue') })).toBe(grpc.status.UNAVAILABLE);
      expect(await call({})).toBe(grpc.status.UNAVAILABLE);
      if (!sut) throw new Error(why);
      const noCertificate = rawCrawler(sut.url, grpc.credentials.createSsl(Buffer.from(openssl('x509', '-in', 'ca.pem'))));
      try {
        expect((await probe(noCertificate, 'https://k.example/', bearer(TOKEN))).code).toBe(grpc.status.UNAVAILABLE);
      } finally {
        noCertificate.close();
      }
      expect(handled).toEqual([]);
    });
  });
});
