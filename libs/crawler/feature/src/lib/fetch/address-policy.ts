import { blockedReason, Cidr, parseIp, unmapIpv4 } from './ip-address';

/**
 * Decides which addresses the crawler may connect to: public unicast addresses, plus the
 * hosts and address blocks an operator allowed explicitly (config.crawler.allowHosts).
 */
export class AddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly cidrs: Cidr[] = [];

  constructor(allowHosts: readonly string[]) {
    for (const entry of allowHosts) {
      const cidr = Cidr.parse(entry.replace(/^\[|\](?=\/|$)/g, ''));
      if (cidr) this.cidrs.push(cidr);
      else if (entry.trim()) this.hosts.add(normalizeHost(entry));
    }
  }

  /**
   * Null when `address` (what `host` resolved to, or the host itself when it is an IP
   * literal) may be fetched; otherwise why not, e.g. "private address".
   */
  refusal(host: string, address: string): string | null {
    if (this.hosts.has(normalizeHost(host))) return null;
    const ip = parseIp(address);
    if (!ip) return 'not an IP address';
    const plain = unmapIpv4(ip);
    if (this.cidrs.some((c) => c.contains(ip) || c.contains(plain))) return null;
    return blockedReason(ip);
  }
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}
