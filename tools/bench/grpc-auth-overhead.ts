// Cost of the service-to-service gRPC hardening on a unary call over loopback: the same echo
// handler (CrawlerService/ProbeUrl) served (a) as before — no interceptors, plaintext — and
// (b) hardened — the server's token interceptor (constant-time digest compare), the client's
// interceptor (token metadata, default deadline), message limits — and (c) hardened over mutual
// TLS (certificates made with the openssl CLI; skipped with the reason when it is missing).
// Rounds alternate between the variants; prints calls/s per round and the median ratio to (a).
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/grpc-auth-overhead.js
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { crawler } from '@autoglm/contracts';
import { defaultConfig, type GrpcSecurityConfig } from '@autoglm/shared-config';
import { grpcChannelSetup, grpcLoaderOptions, messageLimitOptions, protoPath, serverCredentialsOf, serviceAuthInterceptor } from '@autoglm/shared-grpc';

const ROUNDS = 5;
const CALLS = 2_000;
const CONCURRENCY = 16;
const TOKEN = 'bench-service-token-0123456789abcdefghijklmnopqrstuvwxyz';

type ProbeClient = grpc.Client & {
  ProbeUrl(request: crawler.ProbeUrlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<crawler.ProbeUrlResponse>): void;
};

const pkg = grpc.loadPackageDefinition(loadSync(protoPath('crawler'), grpcLoaderOptions())) as unknown as {
  autoglm: { crawler: { v1: { CrawlerService: grpc.ServiceClientConstructor } } };
};
const CrawlerService = pkg.autoglm.crawler.v1.CrawlerService;

interface Variant {
  name: string;
  url: string;
  client: ProbeClient;
  close(): void;
}

async function serve(options: grpc.ServerOptions, credentials: grpc.ServerCredentials): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server(options);
  server.addService(CrawlerService.service, {
    ProbeUrl: (call: grpc.ServerUnaryCall<crawler.ProbeUrlRequest, crawler.ProbeUrlResponse>, callback: grpc.sendUnaryData<crawler.ProbeUrlResponse>) =>
      callback(null, { finalUrl: call.request.url, httpStatus: 200, contentType: 'text/plain' }),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  return { server, port };
}

async function baseline(): Promise<Variant> {
  const { server, port } = await serve({}, grpc.ServerCredentials.createInsecure());
  const client = new CrawlerService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as ProbeClient;
  return { name: '(a) no auth, plaintext', url: `127.0.0.1:${port}`, client, close: () => (client.close(), server.forceShutdown()) };
}

async function hardened(name: string, server: GrpcSecurityConfig, client: GrpcSecurityConfig): Promise<Variant> {
  const served = await serve({ ...messageLimitOptions(server), interceptors: [serviceAuthInterceptor(TOKEN)] }, serverCredentialsOf(server));
  const setup = grpcChannelSetup(client, 15_000);
  const probe = new CrawlerService(`127.0.0.1:${served.port}`, setup.credentials, setup.options) as unknown as ProbeClient;
  return { name, url: `127.0.0.1:${served.port}`, client: probe, close: () => (probe.close(), served.server.forceShutdown()) };
}

function call(client: ProbeClient, i: number): Promise<void> {
  return new Promise((resolve, reject) =>
    client.ProbeUrl({ url: `https://example.org/${i}` }, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (error) => (error ? reject(error) : resolve())),
  );
}

/** calls/s of CALLS calls from CONCURRENCY callers. */
async function measure(variant: Variant): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) await call(variant.client, next++);
    }),
  );
  return CALLS / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, in a temp dir; null (with the reason printed) without openssl. */
function certificates(dir: string): { server: GrpcSecurityConfig['tls']; client: GrpcSecurityConfig['tls'] } | null {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=bench-ca');
  } catch (error) {
    console.log(`(c) skipped: the openssl CLI is not usable here (${(error as Error).message})`);
    return null;
  }
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  const files = (name: string) => ({ caFile: join(dir, 'ca.pem'), certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) });
  return { server: files('server'), client: files('client') };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const security: GrpcSecurityConfig = { ...defaultConfig().grpcSecurity, authToken: TOKEN };
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-mtls-'));
  const variants: Variant[] = [await baseline(), await hardened('(b) token + limits, plaintext', security, security)];
  const certs = certificates(dir);
  if (certs) variants.push(await hardened('(c) token + limits, mutual TLS', { ...security, tls: certs.server }, { ...security, tls: certs.client }));
  try {
    for (const v of variants) await measure(v); // warm-up: connections, JIT
    const results = variants.map((variant) => ({ variant, rates: [] as number[], ratios: [] as number[] }));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order each round so drift in machine load falls on every variant alike.
      const order = round % 2 === 0 ? results : [...results].reverse();
      const roundRates = new Map<Variant, number>();
      for (const r of order) roundRates.set(r.variant, await measure(r.variant));
      const base = roundRates.get(variants[0] as Variant) as number;
      for (const r of results) {
        const rate = roundRates.get(r.variant) as number;
        r.rates.push(rate);
        r.ratios.push(rate / base);
      }
    }
    console.log(`${CALLS} unary calls per round, ${CONCURRENCY} concurrent callers, ${ROUNDS} alternating rounds`);
    console.table(
      results.map((r) => ({
        variant: r.variant.name,
        'median calls/s': Math.round(median(r.rates)),
        'rounds calls/s': r.rates.map(Math.round).join(' '),
        'median ratio to (a)': +median(r.ratios).toFixed(3),
      })),
    );
  } finally {
    for (const v of variants) v.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
