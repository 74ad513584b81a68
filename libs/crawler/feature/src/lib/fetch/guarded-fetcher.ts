import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { STATUS_CODES } from 'node:http';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { pipeline, type Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { fetchedBytes, fetchOutcomes, inSpan, SpanKind } from '@autoglm/shared-observability';
import { AddressPolicy, normalizeHost } from './address-policy';
import { FetchError, FetchFailure } from './fetch-error';

export interface GuardedFetcherOptions {
  /** Deadline of a whole fetch: every redirect hop and the body. */
  timeoutMs: number;
  /** Largest body accepted, counted after decompression. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Host names, addresses or CIDRs that may be fetched although they are not public. */
  allowHosts: readonly string[];
  /** Name resolution; defaults to the system resolver (dns.lookup). Tests substitute a fixed table. */
  resolveHost?: (hostname: string) => Promise<LookupAddress[]>;
}

export interface FetchOptions {
  /** A shorter deadline for this fetch (the configured timeout still caps it). */
  timeoutMs?: number;
  /** Return non-2xx final responses instead of failing with FetchFailure.HttpStatus. */
  acceptAnyStatus?: boolean;
  /** Stop after the response headers (an empty body is returned). */
  skipBody?: boolean;
  /**
   * Validators of the copy we hold (conditional GET): sent as If-None-Match / If-Modified-Since;
   * a 304 Not Modified then comes back as a result with status 304 and an empty body. Empty
   * validators make the request unconditional.
   */
  validators?: ConditionalValidators;
  /**
   * Extra request headers (e.g. an API key of a JSON API source). Sent only to the origin of the
   * requested URL: a redirect to another origin does not receive them. Names or values with line
   * breaks are dropped.
   */
  headers?: Readonly<Record<string, string>>;
}

export interface ConditionalValidators {
  etag: string;
  lastModified: string;
}

export interface FetchResult {
  status: number;
  /** The URL of the final response, after redirects. */
  finalUrl: string;
  /** Response headers, lower-case names, repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  contentType: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA']);
const TIMEOUT_ERRORS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * The one HTTP client for outbound requests. It refuses non-http(s) URLs and every address
 * that is not public unicast (unless allowed by configuration), checking the address that
 * is actually connected to on every redirect hop; it bounds redirects, time and body size
 * (after decompression).
 */
export class GuardedFetcher implements OnApplicationShutdown {
  private readonly policy: AddressPolicy;
  private readonly agent: Agent;

  constructor(private readonly options: GuardedFetcherOptions) {
    this.policy = new AddressPolicy(options.allowHosts);
    const connect = buildConnector({ lookup: this.guardedLookup, timeout: options.timeoutMs });
    this.agent = new Agent({
      connect: (connectOptions, callback) =>
        connect(connectOptions, (error, socket) => {
          if (error || !socket) return callback(error ?? new Error('no socket'), null);
          // The lookup covers names; this covers IP literals and anything the lookup did not see.
          const refusal = this.refusalOfSocket(connectOptions.hostname, socket);
          if (refusal) {
            socket.destroy();
            return callback(refusal, null);
          }
          callback(null, socket);
        }),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Fetches `url` within the guards; each fetch's outcome (ok, not_modified or the failure kind) and body size are counted. */
  async fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    // The host only: paths and queries may carry tokens of JSON API sources.
    return inSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': hostOf(url) } }, async (span) => {
      try {
        const result = await this.fetchGuarded(url, options);
        fetchOutcomes.inc({ outcome: result.status === 304 ? 'not_modified' : 'ok' });
        fetchedBytes.inc(result.body.length);
        span.setAttribute('http.response.status_code', result.status);
        return result;
      } catch (error) {
        fetchOutcomes.inc({ outcome: error instanceof FetchError ? error.reason.toLowerCase() : 'error' });
        throw error;
      }
    });
  }

  private async fetchGuarded(url: string, options: FetchOptions): Promise<FetchResult> {
    let current = this.validate(url);
    const conditional = conditionalHeaders(options.validators);
    const origin = current.origin;
    const custom = safeHeaders(options.headers);
    const deadlineMs = Math.min(options.timeoutMs ?? this.options.timeoutMs, this.options.timeoutMs);
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new FetchError(FetchFailure.Timeout, `timed out after ${deadlineMs} ms fetching ${url}`)),
      deadlineMs,
    );
    try {
      for (let redirects = 0; ; redirects++) {
        const extra = current.origin === origin ? { ...custom, ...conditional } : conditional;
        const response = await this.send(current, controller.signal, extra);
        const location = headerValue(response.headers['location']);
        if (REDIRECT_STATUSES.has(response.statusCode) && location) {
          discard(response.body);
          if (redirects >= this.options.maxRedirects) {
            throw new FetchError(
              FetchFailure.TooManyRedirects,
              `too many redirects fetching ${url} (more than ${this.options.maxRedirects})`,
            );
          }
          current = this.validate(resolveLocation(location, current));
          continue;
        }
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        // A 304 answers only a conditional request; to any other it is a server error like the rest.
        const notModified = response.statusCode === 304 && Object.keys(conditional).length > 0;
        if (!ok && !notModified && !options.acceptAnyStatus) {
          discard(response.body);
          const text = STATUS_CODES[response.statusCode] ?? 'error';
          throw new FetchError(
            FetchFailure.HttpStatus,
            `${current.href} answered HTTP ${response.statusCode} ${text}`,
            response.statusCode,
            headerValue(response.headers['retry-after']) ?? '',
          );
        }
        const headers = flattenHeaders(response.headers);
        let body: Buffer = Buffer.alloc(0);
        if (options.skipBody || notModified) discard(response.body);
        else body = await this.readBody(response, current, headers);
        return {
          status: response.statusCode,
          finalUrl: current.href,
          headers,
          body,
          contentType: headers['content-type'] ?? '',
        };
      }
    } catch (error) {
      throw this.toFetchError(error, current, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Parses and checks a URL without connecting: the scheme, and the address when the host is
   * an IP literal (WHATWG parsing turns http://2130706433/ and http://0x7f000001/ into 127.0.0.1).
   */
  validate(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      throw new FetchError(FetchFailure.InvalidUrl, `"${truncate(url)}" is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new FetchError(
        FetchFailure.UnsupportedScheme,
        `unsupported URL scheme "${parsed.protocol.replace(/:$/, '')}" in ${truncate(url)}: only http and https can be fetched`,
      );
    }
    if (!parsed.hostname) throw new FetchError(FetchFailure.InvalidUrl, `"${truncate(url)}" has no host`);
    if (parsed.username || parsed.password) {
      throw new FetchError(FetchFailure.InvalidUrl, `URLs with credentials are not fetched: ${truncate(parsed.host)}`);
    }
    const host = normalizeHost(parsed.hostname);
    if (isIP(host)) {
      const refusal = this.policy.refusal(host, host);
      if (refusal) throw new FetchError(FetchFailure.BlockedAddress, `refusing to fetch ${host}: ${refusal}`);
    }
    return parsed;
  }

  /**
   * POSTs a form (application/x-www-form-urlencoded; a WebSub hub request) under the same guard,
   * deadline and body limit. Redirects are not followed (a form is not re-sent to another URL): a
   * 3xx comes back like any other status, which the caller judges.
   */
  async postForm(url: string, form: Readonly<Record<string, string>>): Promise<FetchResult> {
    return this.post(url, { body: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded' });
  }

  /**
   * POSTs a body (a WebSub hub request, a webhook delivery) under the same guard, deadline and
   * body limit. Redirects are not followed (a body is not re-sent to another URL): a 3xx comes back
   * like any other status, which the caller judges. Unsafe extra headers are dropped (safeHeaders).
   */
  async post(url: string, request: { body: string; contentType: string; headers?: Readonly<Record<string, string>>; timeoutMs?: number }): Promise<FetchResult> {
    const target = this.validate(url);
    const controller = new AbortController();
    const deadlineMs = Math.min(this.options.timeoutMs, request.timeoutMs ?? this.options.timeoutMs);
    const timer = setTimeout(
      () => controller.abort(new FetchError(FetchFailure.Timeout, `timed out after ${deadlineMs} ms posting to ${url}`)),
      deadlineMs,
    );
    try {
      const response = await this.agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { ...safeHeaders(request.headers), 'user-agent': this.options.userAgent, 'content-type': request.contentType, accept: '*/*' },
        body: request.body,
        signal: controller.signal,
      });
      const headers = flattenHeaders(response.headers);
      const body = await this.readBody(response, target, headers);
      return { status: response.statusCode, finalUrl: target.href, headers, body, contentType: headers['content-type'] ?? '' };
    } catch (error) {
      throw this.toFetchError(error, target, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** After the crawls drained (onModuleDestroy): a fetch still running then was given up. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private send(url: URL, signal: AbortSignal, extraHeaders: Record<string, string>): Promise<Dispatcher.ResponseData> {
    return this.agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: {
        'user-agent': this.options.userAgent,
        accept: ACCEPT,
        'accept-encoding': 'gzip, deflate, br',
        ...extraHeaders,
      },
      signal,
    });
  }

  private async readBody(response: Dispatcher.ResponseData, url: URL, headers: Record<string, string>): Promise<Buffer> {
    const max = this.options.maxBytes;
    const tooLarge = () =>
      new FetchError(FetchFailure.TooLarge, `the response from ${url.href} is larger than the limit of ${max} bytes`);
    const encodings = (headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e && e !== 'identity');
    const declared = Number(headers['content-length']);
    if (encodings.length === 0 && Number.isFinite(declared) && declared > max) {
      discard(response.body);
      throw tooLarge();
    }
    // Content-Encoding lists codings in the order they were applied: undo them from the last.
    const decoders = encodings.reverse().flatMap((e) => decoderFor(e) ?? []);
    const stream: Readable =
      decoders.length === 0 ? response.body : (pipeline([response.body, ...decoders], () => undefined) as unknown as Readable);
    try {
      return await collect(stream, max, tooLarge);
    } finally {
      if (!stream.readableEnded) {
        discard(response.body);
        for (const d of decoders) d.destroy();
      }
    }
  }

  private readonly guardedLookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
    const resolve = this.options.resolveHost ?? systemResolve;
    resolve(hostname).then(
      (answers) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const candidates = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
        // Connect only to permitted answers: a name that also resolves to an internal address
        // (DNS rebinding) still cannot reach it.
        const permitted = candidates.filter((a) => !this.policy.refusal(hostname, a.address));
        if (candidates.length === 0) {
          callback(new FetchError(FetchFailure.DnsFailure, `could not resolve ${hostname}: no address found`), '');
        } else if (permitted.length === 0) {
          const first = candidates[0];
          const why = this.policy.refusal(hostname, first.address);
          callback(new FetchError(FetchFailure.BlockedAddress, `refusing to fetch ${hostname} (${first.address}): ${why}`), '');
        } else if (options.all) {
          callback(null, permitted);
        } else {
          callback(null, permitted[0].address, permitted[0].family);
        }
      },
      (error: NodeJS.ErrnoException) =>
        callback(new FetchError(FetchFailure.DnsFailure, `could not resolve ${hostname}: ${error.code ?? error.message}`), ''),
    );
  };

  private refusalOfSocket(hostname: string, socket: Socket): FetchError | null {
    const address = socket.remoteAddress;
    if (!address) return new FetchError(FetchFailure.ConnectFailure, `could not connect to ${hostname}: connection closed`);
    const why = this.policy.refusal(normalizeHost(hostname), address);
    if (!why) return null;
    const label = normalizeHost(hostname) === address ? address : `${hostname} (${address})`;
    return new FetchError(FetchFailure.BlockedAddress, `refusing to fetch ${label}: ${why}`);
  }

  private toFetchError(error: unknown, url: URL, signal: AbortSignal): FetchError {
    if (error instanceof FetchError) return error;
    if (signal.aborted && signal.reason instanceof FetchError) return signal.reason;
    const e = error as NodeJS.ErrnoException;
    const host = url.host;
    const detail = e?.code ?? e?.message ?? String(error);
    if (e?.code && DNS_ERRORS.has(e.code)) return new FetchError(FetchFailure.DnsFailure, `could not resolve ${url.hostname}: ${detail}`);
    if (e?.code && TIMEOUT_ERRORS.has(e.code)) return new FetchError(FetchFailure.Timeout, `timed out fetching ${url.href}`);
    if (e?.code?.startsWith('Z_') || e?.code === 'ERR_BROTLI_DECOMPRESSION_FAILED') {
      return new FetchError(FetchFailure.BadResponse, `the response from ${host} could not be decompressed: ${e.message}`);
    }
    return new FetchError(FetchFailure.ConnectFailure, `could not connect to ${host}: ${e?.message ?? detail}`);
  }
}

function systemResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

function decoderFor(encoding: string): Transform | null {
  // Sync flush tolerates bodies that end without the final block, as browsers do.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      // An unknown coding is left as is: the parser then reports the document as unreadable.
      return null;
  }
}

/**
 * Reads a stream to its end with 'data' events (markedly cheaper per chunk than async
 * iteration), failing with `tooLarge()` as soon as more than `max` bytes have arrived.
 */
function collect(stream: Readable, max: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) {
        cleanup();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      // A body abandoned part-way still gets errors (the abort): keep one listener so none goes unhandled.
      stream.on('error', () => undefined);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** Drops a body we will not read; undici reports the abort as an error event nobody needs. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Caller-supplied request headers without line breaks in names or values (header injection). */
function safeHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (/^[!#$%&'*+.^`|~\w-]+$/.test(name) && !/[\r\n\0]/.test(value)) safe[name.toLowerCase()] = value;
  }
  return safe;
}

/** Request headers for a conditional GET; validators with line breaks (header injection) are dropped. */
function conditionalHeaders(validators: ConditionalValidators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const usable = (v: string) => (v.trim() && !/[\r\n\0]/.test(v) ? v.trim() : '');
  const etag = usable(validators?.etag ?? '');
  const lastModified = usable(validators?.lastModified ?? '');
  if (etag) headers['if-none-match'] = etag;
  if (lastModified) headers['if-modified-since'] = lastModified;
  return headers;
}

function resolveLocation(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
