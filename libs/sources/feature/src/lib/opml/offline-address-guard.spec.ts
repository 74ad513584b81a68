import { OfflineAddressGuard } from './offline-address-guard';

describe(OfflineAddressGuard.name, () => {
  const sut = new OfflineAddressGuard([]);

  it.each([
    ['http://127.0.0.1/feed', 'loopback address'],
    ['http://2130706433/feed', 'loopback address'],
    ['http://0x7f000001/feed', 'loopback address'],
    ['http://017700000001/feed', 'loopback address'],
    ['http://127.1/feed', 'loopback address'],
    ['http://localhost:8080/feed', 'loopback host name'],
    ['http://app.localhost/feed', 'loopback host name'],
    ['http://10.1.2.3/feed', 'private address'],
    ['http://192.168.0.10/feed', 'private address'],
    ['http://172.31.255.255/feed', 'private address'],
    ['http://100.64.0.1/feed', 'carrier-grade NAT address'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local address'],
    ['http://0.0.0.0/feed', 'unspecified address'],
    ['http://224.0.0.1/feed', 'multicast address'],
    ['http://255.255.255.255/feed', 'reserved address'],
    ['http://[::1]/feed', 'loopback address'],
    ['http://[::ffff:127.0.0.1]/feed', 'loopback address'],
    ['http://[::ffff:a9fe:a9fe]/feed', 'link-local address'],
    ['http://[64:ff9b::7f00:1]/feed', 'NAT64 address'],
    ['http://[fd12:3456::1]/feed', 'private address'],
    ['http://[fe80::1]/feed', 'link-local address'],
    ['http://[ff02::1]/feed', 'multicast address'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(sut.refusal(url)).toBe(reason);
  });

  it.each(['https://example.org/feed.xml', 'http://93.184.216.34/rss', 'http://[2606:4700::1111]/feed', 'https://xn--fiqs8s.example/rss'])(
    'accepts the public or named host of %s (names are checked when fetched)',
    (url) => {
      expect(sut.refusal(url)).toBeNull();
    },
  );

  it('permits what the operator allowed: names, addresses and CIDRs', () => {
    const allowing = new OfflineAddressGuard(['localhost', '127.0.0.1', '192.168.1.0/24', '[fd00::]/8', ' ']);

    expect(allowing.refusal('http://localhost/feed')).toBeNull();
    expect(allowing.refusal('http://127.0.0.1:9000/feed')).toBeNull();
    expect(allowing.refusal('http://192.168.1.77/feed')).toBeNull();
    expect(allowing.refusal('http://[fd00::5]/feed')).toBeNull();
    expect(allowing.refusal('http://192.168.2.1/feed')).toBe('private address');
    expect(allowing.refusal('http://127.0.0.2/feed')).toBe('loopback address');
  });

  it('reports an unparseable URL', () => {
    expect(sut.refusal('not a url')).toBe('not a valid URL');
  });
});
