import { blockedReason, Cidr, formatIp, parseIp, unmapIpv4 } from './ip-address';

function reason(text: string): string | null {
  const ip = parseIp(text);
  if (!ip) throw new Error(`not an IP: ${text}`);
  return blockedReason(ip);
}

describe('ip-address', () => {
  describe(parseIp.name, () => {
    it.each([
      ['127.0.0.1', '127.0.0.1'],
      ['::1', '0:0:0:0:0:0:0:1'],
      ['[2001:db8::1]', '2001:db8:0:0:0:0:0:1'],
      ['::ffff:10.1.2.3', '0:0:0:0:0:ffff:a01:203'],
      ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:1'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ])('parses %s', (text, formatted) => {
      expect(formatIp(parseIp(text)!)).toBe(formatted);
    });

    it.each(['example.com', '', '1.2.3', '256.1.1.1', '2130706433', ':::'])('rejects %p', (text) => {
      expect(parseIp(text)).toBeNull();
    });
  });

  describe(blockedReason.name, () => {
    it.each([
      ['10.0.0.1', 'private address'],
      ['172.16.5.4', 'private address'],
      ['172.31.255.255', 'private address'],
      ['192.168.1.1', 'private address'],
      ['127.0.0.1', 'loopback address'],
      ['127.255.0.9', 'loopback address'],
      ['169.254.169.254', 'link-local address'],
      ['100.64.0.1', 'carrier-grade NAT address'],
      ['100.127.255.254', 'carrier-grade NAT address'],
      ['224.0.0.1', 'multicast address'],
      ['240.0.0.1', 'reserved address'],
      ['255.255.255.255', 'reserved address'],
      ['0.0.0.0', 'unspecified address'],
      ['192.0.2.10', 'reserved address'],
      ['::', 'unspecified address'],
      ['::1', 'loopback address'],
      ['::ffff:127.0.0.1', 'IPv4-mapped IPv6 address'],
      ['::ffff:8.8.8.8', 'IPv4-mapped IPv6 address'],
      ['fd00::1', 'unique local address'],
      ['fe80::1', 'link-local address'],
      ['ff02::1', 'multicast address'],
      ['2001:db8::1', 'reserved address'],
      ['64:ff9b::a00:1', 'private address'],
      ['2002:7f00:1::', 'loopback address'],
      ['4000::1', 'reserved address'],
    ])('refuses %s as a %s', (text, label) => {
      expect(reason(text)).toBe(label);
    });

    it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '93.184.216.34', '2606:4700::1111', '64:ff9b::808:808'])(
      'accepts the public address %s',
      (text) => {
        expect(reason(text)).toBeNull();
      },
    );
  });

  describe(Cidr.name, () => {
    it('matches addresses inside the block only', () => {
      const sut = Cidr.parse('10.1.0.0/16')!;
      expect(sut.contains(parseIp('10.1.200.3')!)).toBe(true);
      expect(sut.contains(parseIp('10.2.0.1')!)).toBe(false);
      expect(sut.contains(parseIp('::ffff:10.1.0.1')!)).toBe(false);
    });

    it('treats a single address as a full-length prefix', () => {
      const sut = Cidr.parse('127.0.0.1')!;
      expect(sut.prefix).toBe(32);
      expect(sut.contains(parseIp('127.0.0.1')!)).toBe(true);
      expect(sut.contains(parseIp('127.0.0.2')!)).toBe(false);
    });

    it('matches IPv6 blocks', () => {
      expect(Cidr.parse('fd00::/8')!.contains(parseIp('fd12::3')!)).toBe(true);
      expect(Cidr.parse('::/0')!.contains(parseIp('2606:4700::1')!)).toBe(true);
    });

    it.each(['10.0.0.0/33', '10.0.0.0/x', 'example.com', '10.0.0.0/8/1', '::/129'])('rejects %p', (text) => {
      expect(Cidr.parse(text)).toBeNull();
    });
  });

  describe(unmapIpv4.name, () => {
    it('unwraps IPv4-mapped addresses and leaves others alone', () => {
      expect(formatIp(unmapIpv4(parseIp('::ffff:127.0.0.1')!))).toBe('127.0.0.1');
      expect(formatIp(unmapIpv4(parseIp('::1')!))).toBe('0:0:0:0:0:0:0:1');
    });
  });
});
