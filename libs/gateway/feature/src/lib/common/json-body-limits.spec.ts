import { jsonNestsDeeperThan } from './json-body-limits';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe(jsonNestsDeeperThan.name, () => {
  it('counts arrays and objects alike, up to and past the limit', () => {
    expect(jsonNestsDeeperThan(bytes('{"a":[{"b":[]}]}'), 4)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"a":[{"b":[]}]}'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('[[],[],[]]'), 2)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('"just a string"'), 1)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(bytes('{"q":"[[[[{{{{"}'), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"q":"say \\"[[[[\\" and \\\\","r":"{{{{"}'), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"q":"\\\\"}'), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"q":"ü€😀[[["}'), 1)).toBe(false);
  });

  it('finds a 10,000-deep body in one pass', () => {
    expect(jsonNestsDeeperThan(bytes('['.repeat(10_000) + ']'.repeat(10_000)), 32)).toBe(true);
  });

  it('agrees with the depth of values JSON.stringify writes', () => {
    let value: unknown = 'leaf [with] {brackets} and "quotes"';
    for (let depth = 1; depth <= 40; depth++) {
      value = depth % 2 === 0 ? [value, 'x'] : { key: value, other: '}' };
      const text = bytes(JSON.stringify(value));
      expect(jsonNestsDeeperThan(text, depth)).toBe(false);
      expect(jsonNestsDeeperThan(text, depth - 1)).toBe(true);
    }
  });
});
