import { controlCharacterPath } from './control-characters';

describe(controlCharacterPath.name, () => {
  it('passes ordinary text in any script', () => {
    expect(controlCharacterPath('Nachrichten über KI — 人工智能 😀')).toBeUndefined();
    expect(controlCharacterPath({ topic: 'ai', page: ['1', 2], nested: { ok: true, n: null } })).toBeUndefined();
    expect(controlCharacterPath(undefined)).toBeUndefined();
  });

  it.each(['\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'])('refuses the control character %j', (control) => {
    expect(controlCharacterPath(`a${control}b`)).toBe('');
  });

  it('names where the character sits: a field, an array item, a key', () => {
    expect(controlCharacterPath({ topic: 'ai', language: 'e\u0000n' })).toBe('language');
    expect(controlCharacterPath({ filter: { tags: ['ok', 'b\u0000ad'] } })).toBe('filter.tags[1]');
    expect(controlCharacterPath({ ['bad\u0000key']: 'x' })).toBe('bad\u0000key');
  });

  it('keeps C1-adjacent letters (U+00A0 and above) and does not loop on shared objects', () => {
    const shared = { name: 'caf\u00e9\u00a0bar' };
    expect(controlCharacterPath({ a: shared, b: shared, c: [shared, shared] })).toBeUndefined();
  });
});
