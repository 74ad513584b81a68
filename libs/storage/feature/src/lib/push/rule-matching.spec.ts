import { checkRuleSpec, containsKeyword, foldText, ruleMatches } from './rule-matching';

const SOURCE = '0b7f6a2e-1c1d-4e7e-9a51-3f7e2b0c9d11';

function article(text: string, topic = 'technology', sourceId = SOURCE) {
  return { sourceId, topic, folded: foldText(text) };
}

describe('rule matching', () => {
  it('matches words and phrases case-folded on word boundaries', () => {
    const text = foldText('The NEW Rust compiler, rustc 2.0, is out!');
    expect(containsKeyword(text, 'rust')).toBe(true);
    expect(containsKeyword(text, 'Rust Compiler')).toBe(true);
    expect(containsKeyword(text, 'rus')).toBe(false);
    expect(containsKeyword(text, 'compiler rust')).toBe(false);
    expect(containsKeyword(text, '2.0')).toBe(true);
  });

  it('matches Chinese phrases inside running text', () => {
    expect(containsKeyword(foldText('央行宣布降息'), '降息')).toBe(true);
    expect(containsKeyword(foldText('央行宣布降息'), '加息')).toBe(false);
  });

  it('treats pattern characters as text, in linear time', () => {
    const text = foldText(`${'a'.repeat(50_000)}! (a)`);
    const started = Date.now();
    expect(containsKeyword(text, '(a+)+$')).toBe(true);
    expect(containsKeyword(text, '.*')).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('needs every non-empty condition list to match', () => {
    const rule = { keywords: ['rust'], topics: ['technology'], sourceIds: [] };
    expect(ruleMatches(rule, article('Rust 2.0 released'))).toBe(true);
    expect(ruleMatches(rule, article('Rust 2.0 released', 'sports'))).toBe(false);
    expect(ruleMatches(rule, article('Go 2.0 released'))).toBe(false);
    expect(ruleMatches({ keywords: [], topics: [], sourceIds: [SOURCE] }, article('anything'))).toBe(true);
    expect(ruleMatches({ keywords: [], topics: [], sourceIds: [] }, article('anything'))).toBe(false);
  });

  it('normalises and validates a rule', () => {
    const sut = checkRuleSpec({
      name: ' Rust ',
      keywords: ['Rust  Compiler', 'rust compiler'],
      topics: ['Technology'],
      sourceIds: [SOURCE.toUpperCase()],
      actions: ['notify', 'WEBHOOK'],
      enabled: true,
    });
    expect(sut).toEqual({ name: 'Rust', keywords: ['rust compiler'], topics: ['technology'], sourceIds: [SOURCE], actions: ['notify', 'webhook'], enabled: true });
  });

  it.each([
    [{ name: '' }, 'name is required'],
    [{ keywords: [], topics: [], sourceIds: [] }, 'at least one condition'],
    [{ actions: [] }, 'at least one of'],
    [{ actions: ['explode'] }, '"explode" is not one of'],
    [{ sourceIds: ['nope'] }, 'is not a source id'],
    [{ keywords: ['!!!'] }, 'an entry is empty'],
    [{ keywords: Array.from({ length: 21 }, (_, i) => `k${i}`) }, 'at most 20'],
  ])('refuses %j', (patch, message) => {
    const input = { name: 'r', keywords: ['rust'], topics: [], sourceIds: [], actions: ['notify'], enabled: true, ...patch };
    expect(() => checkRuleSpec(input)).toThrow(message);
  });
});
