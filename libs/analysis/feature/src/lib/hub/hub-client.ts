import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DomainError } from '@autoglm/shared-errors';

/** The Hugging Face Hub; HF_ENDPOINT or --endpoint point `models pull` at a mirror. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubClientOptions {
  /** The one origin requests are sent to (redirects may lead to the hub's CDN, see followRedirect). */
  endpoint: string;
  /** Tests only: let redirects lead to http:// and loopback addresses. */
  allowLoopbackRedirects?: boolean;
  maxRedirects?: number;
  /** A response that sends nothing for this long is abandoned. */
  idleTimeoutMs?: number;
  userAgent?: string;
}

export interface HubResponse {
  status: number;
  /** Headers of the final response. */
  headers: IncomingHttpHeaders;
  /** Headers of the hub's own (first) response: X-Linked-Etag, X-Repo-Commit live there when the file is on the CDN. */
  hubHeaders: IncomingHttpHeaders;
  /** The final URL (after redirects). */
  url: string;
  body: IncomingMessage;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** True for private, loopback, link-local, multicast and reserved addresses (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The HTTP client of `models pull`: GETs only below the configured endpoint, and follows a
 * redirect elsewhere (the hub's CDN) only to an https URL whose host resolves to public addresses,
 * checked on the address actually connected to.
 */
export class HubClient {
  readonly endpoint: URL;
  private readonly maxRedirects: number;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: HubClientOptions) {
    let endpoint: URL;
    try {
      endpoint = new URL(options.endpoint);
    } catch {
      throw DomainError.invalidArgument(`hub endpoint "${options.endpoint}" is not a URL`);
    }
    if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw DomainError.invalidArgument('the hub endpoint must be an http(s) URL');
    this.endpoint = endpoint;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  /** The hub URL of a file: <endpoint>/<repo>/resolve/<revision>/<path>. */
  fileUrl(repo: string, revision: string, path: string): string {
    const base = this.endpoint.href.replace(/\/+$/, '');
    const parts = path.split('/').map(encodeURIComponent).join('/');
    return `${base}/${repo.split('/').map(encodeURIComponent).join('/')}/resolve/${encodeURIComponent(revision)}/${parts}`;
  }

  /** GET with optional Range from `offset`; redirects followed under the rules above. The caller consumes or destroys the body. */
  async get(url: string, offset = 0): Promise<HubResponse> {
    let current = new URL(url);
    if (!this.sameOrigin(current)) throw DomainError.invalidArgument(`${url} is not below the hub endpoint ${this.endpoint.origin}`);
    let hubHeaders: IncomingHttpHeaders | undefined;
    for (let hop = 0; ; hop++) {
      const response = await this.send(current, offset);
      hubHeaders ??= response.headers;
      const location = response.headers.location;
      if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume();
        if (hop >= this.maxRedirects) throw DomainError.unavailable(`more than ${this.maxRedirects} redirects from ${url}`);
        current = this.redirectTarget(current, location);
        continue;
      }
      return { status: response.statusCode ?? 0, headers: response.headers, hubHeaders, url: current.href, body: response };
    }
  }

  private sameOrigin(url: URL): boolean {
    return url.origin === this.endpoint.origin;
  }

  private redirectTarget(from: URL, location: string): URL {
    const target = new URL(location, from);
    if (this.sameOrigin(target)) return target;
    if (target.protocol !== 'https:' && !(this.options.allowLoopbackRedirects && target.protocol === 'http:')) {
      throw DomainError.unavailable(`the hub redirected to ${target.origin}, which is not https; refused`);
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isPrivateAddress(host) && !this.loopbackAllowed(host)) {
      throw DomainError.unavailable(`the hub redirected to a private address (${host}); refused`);
    }
    return target;
  }

  private loopbackAllowed(address: string): boolean {
    return this.options.allowLoopbackRedirects === true && LOOPBACK.test(address);
  }

  /** Resolves a redirect target's host and refuses private addresses (the check applies to the connected IP). */
  private readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address) && !this.loopbackAllowed(a.address));
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a private address (${bad.address}); refused`), { code: 'EPRIVATE' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };

  private send(url: URL, offset: number): Promise<IncomingMessage> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'open-autoglm-models-pull/0.1', accept: '*/*' };
    if (offset > 0) headers['range'] = `bytes=${offset}-`;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', headers, lookup: this.sameOrigin(url) ? undefined : this.guardedLookup }, resolve);
      req.setTimeout(this.idleTimeoutMs, () => req.destroy(new Error(`no data from ${url.origin} for ${this.idleTimeoutMs} ms`)));
      req.on('error', (error) => reject(DomainError.unavailable(`cannot reach ${url.origin}: ${error.message}`)));
      req.end();
    });
  }
}
