import { isIP } from 'node:net';

/** An IP address as a number, so ranges are plain comparisons. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** Parses a textual IPv4 (dotted quad) or IPv6 address; a zone id (%eth0) is ignored. Null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const bare = host.split('%')[0];
  const family = isIP(bare);
  if (family === 4) return { family: 4, value: parseIpv4(bare) };
  if (family === 6) return { family: 6, value: parseIpv6(bare) };
  return null;
}

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint {
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = head.lastIndexOf(':');
  if (head.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(head.slice(lastColon + 1));
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = right === undefined ? leftGroups : [...leftGroups, ...Array<string>(missing).fill('0'), ...rightGroups];
  let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((ip.value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

/** An address block such as 10.0.0.0/8 or fc00::/7. */
export class Cidr {
  private readonly mask: bigint;

  private constructor(
    readonly family: 4 | 6,
    private readonly base: bigint,
    readonly prefix: number,
  ) {
    const bits = family === 4 ? 32n : 128n;
    const all = (1n << bits) - 1n;
    this.mask = prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
    this.base = base & this.mask;
  }

  /** "10.0.0.0/8", "::1/128" or a single address ("127.0.0.1" = /32). Null when the text is not one. */
  static parse(text: string): Cidr | null {
    const [addr, len, extra] = text.trim().split('/');
    if (extra !== undefined) return null;
    const ip = parseIp(addr);
    if (!ip) return null;
    const max = ip.family === 4 ? 32 : 128;
    const prefix = len === undefined ? max : Number(len);
    if (!/^\d+$/.test(len ?? String(max)) || prefix > max) return null;
    return new Cidr(ip.family, ip.value, prefix);
  }

  contains(ip: IpAddress): boolean {
    return ip.family === this.family && (ip.value & this.mask) === this.base;
  }
}

function blocks(entries: Array<[string, string]>): Array<{ cidr: Cidr; label: string }> {
  return entries.map(([text, label]) => ({ cidr: Cidr.parse(text) as Cidr, label }));
}

const IPV4_SPECIAL = blocks([
  ['0.0.0.0/8', 'unspecified address'],
  ['10.0.0.0/8', 'private address'],
  ['100.64.0.0/10', 'carrier-grade NAT address'],
  ['127.0.0.0/8', 'loopback address'],
  ['169.254.0.0/16', 'link-local address'],
  ['172.16.0.0/12', 'private address'],
  ['192.0.0.0/24', 'reserved address'],
  ['192.0.2.0/24', 'reserved address'],
  ['192.88.99.0/24', 'reserved address'],
  ['192.168.0.0/16', 'private address'],
  ['198.18.0.0/15', 'reserved address'],
  ['198.51.100.0/24', 'reserved address'],
  ['203.0.113.0/24', 'reserved address'],
  ['224.0.0.0/4', 'multicast address'],
  ['240.0.0.0/4', 'reserved address'],
]);

const IPV6_SPECIAL = blocks([
  ['::/128', 'unspecified address'],
  ['::1/128', 'loopback address'],
  ['::ffff:0:0/96', 'IPv4-mapped IPv6 address'],
  ['::/96', 'reserved address'],
  ['100::/64', 'reserved address'],
  ['2001::/23', 'reserved address'],
  ['2001:db8::/32', 'reserved address'],
  ['fc00::/7', 'unique local address'],
  ['fe80::/10', 'link-local address'],
  ['fec0::/10', 'reserved address'],
  ['ff00::/8', 'multicast address'],
]);

const GLOBAL_UNICAST_V6 = Cidr.parse('2000::/3') as Cidr;
// Prefixes that carry an IPv4 address inside: judged by the IPv4 address they lead to.
const NAT64 = Cidr.parse('64:ff9b::/96') as Cidr;
const SIX_TO_FOUR = Cidr.parse('2002::/16') as Cidr;

/**
 * Why an address must not be fetched ("private address", "loopback address", ...), or null
 * for a public unicast address.
 */
export function blockedReason(ip: IpAddress): string | null {
  if (ip.family === 4) return IPV4_SPECIAL.find((b) => b.cidr.contains(ip))?.label ?? null;
  if (NAT64.contains(ip)) return blockedReason({ family: 4, value: ip.value & 0xffffffffn });
  if (SIX_TO_FOUR.contains(ip)) return blockedReason({ family: 4, value: (ip.value >> 80n) & 0xffffffffn });
  const special = IPV6_SPECIAL.find((b) => b.cidr.contains(ip));
  if (special) return special.label;
  return GLOBAL_UNICAST_V6.contains(ip) ? null : 'reserved address';
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else the address itself. */
export function unmapIpv4(ip: IpAddress): IpAddress {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}
