import { AddressPolicy } from './address-policy';

describe(AddressPolicy.name, () => {
  it('refuses special-purpose addresses by default, naming the reason', () => {
    const sut = new AddressPolicy([]);
    expect(sut.refusal('127.0.0.1', '127.0.0.1')).toBe('loopback address');
    expect(sut.refusal('intranet.example', '10.0.0.1')).toBe('private address');
    expect(sut.refusal('example.com', '93.184.216.34')).toBeNull();
  });

  it('allows listed addresses and blocks, including their IPv4-mapped form', () => {
    const sut = new AddressPolicy(['127.0.0.1', '10.20.0.0/16', '[fd00::]/8']);
    expect(sut.refusal('127.0.0.1', '127.0.0.1')).toBeNull();
    expect(sut.refusal('localhost', '::ffff:127.0.0.1')).toBeNull();
    expect(sut.refusal('a.internal', '10.20.3.4')).toBeNull();
    expect(sut.refusal('b.internal', '10.21.3.4')).toBe('private address');
    expect(sut.refusal('c.internal', 'fd00::5')).toBeNull();
    expect(sut.refusal('127.0.0.2', '127.0.0.2')).toBe('loopback address');
  });

  it('allows listed host names whatever they resolve to, case-insensitively', () => {
    const sut = new AddressPolicy(['Feeds.Internal.']);
    expect(sut.refusal('feeds.internal', '10.0.0.7')).toBeNull();
    expect(sut.refusal('other.internal', '10.0.0.7')).toBe('private address');
  });

  it('refuses something that is not an address', () => {
    expect(new AddressPolicy([]).refusal('x', 'not-an-ip')).toBe('not an IP address');
  });
});
