import { BlockList, isIP } from 'node:net';

/**
 * Address blocks that are not public unicast: what the crawler refuses to connect to (its
 * guard, which checks every connected address, is the real defence; this offline check only
 * lets an import reject obvious internal targets without touching the network).
 */
const NON_PUBLIC_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified address'],
  ['10.0.0.0', 8, 'private address'],
  ['100.64.0.0', 10, 'carrier-grade NAT address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address'],
  ['172.16.0.0', 12, 'private address'],
  ['192.0.0.0', 24, 'reserved address'],
  ['192.0.2.0', 24, 'documentation address'],
  ['192.88.99.0', 24, 'reserved address'],
  ['192.168.0.0', 16, 'private address'],
  ['198.18.0.0', 15, 'benchmarking address'],
  ['198.51.100.0', 24, 'documentation address'],
  ['203.0.113.0', 24, 'documentation address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved address'],
];
const NON_PUBLIC_V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified address'],
  ['::1', 128, 'loopback address'],
  ['64:ff9b::', 96, 'NAT64 address'],
  ['64:ff9b:1::', 48, 'NAT64 address'],
  ['100::', 64, 'discard-only address'],
  ['2001::', 23, 'reserved address'],
  ['2001:db8::', 32, 'documentation address'],
  ['fc00::', 7, 'private address'],
  ['fe80::', 10, 'link-local address'],
  ['fec0::', 10, 'site-local address'],
  ['ff00::', 8, 'multicast address'],
];

/** Decides, without resolving names, whether a source URL obviously targets a non-public host. */
export class OfflineAddressGuard {
  private readonly allowedHosts = new Set<string>();
  private readonly allowedBlocks = new BlockList();
  private readonly blocks: Array<{ list: BlockList; reason: string }> = [];

  constructor(allowHosts: readonly string[]) {
    for (const entry of allowHosts) {
      const text = entry.trim().toLowerCase().replace(/^\[|\](?=\/|$)/g, '');
      if (!text) continue;
      const [address, prefix] = text.split('/');
      const family = isIP(address ?? '');
      if (family && prefix !== undefined && /^\d+$/.test(prefix)) {
        this.allowedBlocks.addSubnet(address ?? '', Number(prefix), family === 6 ? 'ipv6' : 'ipv4');
      } else if (family) {
        this.allowedBlocks.addAddress(address ?? '', family === 6 ? 'ipv6' : 'ipv4');
      } else {
        this.allowedHosts.add(text.replace(/\.$/, ''));
      }
    }
    for (const [address, prefix, reason] of NON_PUBLIC_V4) this.add(address, prefix, 'ipv4', reason);
    for (const [address, prefix, reason] of NON_PUBLIC_V6) this.add(address, prefix, 'ipv6', reason);
  }

  /** Null when the URL's host may be registered; otherwise why not ("loopback address"). */
  refusal(url: string): string | null {
    let host: string;
    try {
      // WHATWG parsing already turns http://2130706433/ and http://0x7f.1/ into 127.0.0.1.
      host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    } catch {
      return 'not a valid URL';
    }
    if (this.allowedHosts.has(host)) return null;
    const family = isIP(host);
    if (!family) return host === 'localhost' || host.endsWith('.localhost') ? 'loopback host name' : null;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (this.allowedBlocks.check(host, type)) return null;
    // BlockList matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 blocks too.
    return this.blocks.find((b) => b.list.check(host, type))?.reason ?? null;
  }

  private add(address: string, prefix: number, type: 'ipv4' | 'ipv6', reason: string): void {
    const list = new BlockList();
    list.addSubnet(address, prefix, type);
    this.blocks.push({ list, reason });
  }
}
