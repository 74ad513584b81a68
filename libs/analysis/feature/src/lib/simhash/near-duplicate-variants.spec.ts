import { labelledPairs, nearDuplicateVariants, seededRandom, type FingerprintedArticle } from './near-duplicate-variants';

const article = (id: string, fields: Partial<FingerprintedArticle> = {}): FingerprintedArticle => ({
  id,
  lang: 'en',
  topic: 'rates',
  title: 'Bank holds rates as inflation stays high',
  text:
    'The central bank kept its main rate at 4.5 percent on Thursday. Six of nine members voted to hold.\n\n' +
    'Inflation was 3.1 percent in September, above the target. Service prices are rising fastest.\n\n' +
    '“We are not yet confident,” the governor said. Most economists expect a cut in February.',
  ...fields,
});
const chinese = article('zh-1', {
  lang: 'zh',
  title: '央行下调存款准备金率',
  text: '央行周五宣布下调存款准备金率。此次下调将释放长期资金约一万亿元。\n\n分析人士认为，这有助于降低融资成本。多家机构预计年内仍有降息空间。',
});
const donors = ['harbour', 'station', 'river', 'council', 'engine'];

describe(seededRandom.name, () => {
  it('repeats for a seed, differs between seeds and stays in [0, 1)', () => {
    const a = Array.from({ length: 5 }, seededRandom(7));
    const b = Array.from({ length: 5 }, seededRandom(7));
    const c = Array.from({ length: 5 }, seededRandom(8));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const many = Array.from({ length: 1000 }, seededRandom(1));
    expect(Math.min(...many)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...many)).toBeLessThan(1);
  });
});

describe(nearDuplicateVariants.name, () => {
  const sut = nearDuplicateVariants(article('a'), donors, seededRandom(1));
  const kind = (k: string) => sut.find((p) => p.kind === k)?.b ?? { title: '', text: '' };

  it('makes every kind once, labelled near-duplicate, each different from the article', () => {
    expect(sut.map((p) => p.kind)).toEqual([
      'typos',
      'sentence-added',
      'sentence-removed',
      'footer-appended',
      'whitespace-punctuation',
      'title-changed',
      'syndicated',
      'words-replaced-5%',
      'words-replaced-10%',
      'words-replaced-15%',
    ]);
    for (const pair of sut) {
      expect(pair.nearDuplicate).toBe(true);
      expect(pair.a).toEqual({ title: article('a').title, text: article('a').text });
      expect(pair.b.title + pair.b.text).not.toBe(pair.a.title + pair.a.text);
    }
  });

  it('edits what each kind says and nothing else', () => {
    const base = article('a');
    expect(kind('typos').title).toBe(base.title);
    expect(Math.abs(kind('typos').text.length - base.text.length)).toBeLessThanOrEqual(3);
    expect(kind('sentence-added').text.length).toBeGreaterThan(base.text.length);
    expect(kind('sentence-removed').text.length).toBeLessThan(base.text.length);
    expect(kind('footer-appended').text.startsWith(base.text)).toBe(true);
    expect(kind('whitespace-punctuation').text.replace(/[^\p{L}\p{N}]/gu, '')).toBe(base.text.replace(/[^\p{L}\p{N}]/gu, ''));
    expect(kind('title-changed').text).toBe(base.text);
    expect(kind('title-changed').title).not.toBe(base.title);
  });

  it('replaces about the stated share of words', () => {
    const words = (t: string) => t.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
    const base = words(article('a').text);
    for (const [k, share] of [
      ['words-replaced-5%', 0.05],
      ['words-replaced-15%', 0.15],
    ] as const) {
      const changed = words(kind(k).text).filter((w, i) => w !== base[i]).length;
      expect(changed).toBeGreaterThanOrEqual(1);
      expect(changed).toBeLessThanOrEqual(Math.round(base.length * share));
    }
  });

  it('varies Chinese text by characters and keeps Chinese punctuation rules', () => {
    const zh = nearDuplicateVariants(chinese, ['河', '站', '桥'], seededRandom(2));
    const replaced = zh.find((p) => p.kind === 'words-replaced-15%')?.b.text ?? '';
    expect([...replaced].length).toBe([...chinese.text].length);
    expect(zh.find((p) => p.kind === 'sentence-added')?.b.text).toMatch(/。/);
  });
});

describe(labelledPairs.name, () => {
  const articles = [
    article('a'),
    article('b', { title: 'Another bank cuts rates', text: 'The reserve bank cut its rate by half a point. It was the first cut in three years. Banks will pass it on.' }),
    article('c', { topic: 'sport', title: 'Record marathon', text: 'A runner broke the course record. Thousands took part. The race raised money.' }),
    chinese,
  ];

  it('is deterministic for a seed and labels the non-duplicates', () => {
    const sut = labelledPairs(articles, 11);
    expect(labelledPairs(articles, 11)).toEqual(sut);
    expect(labelledPairs(articles, 12)).not.toEqual(sut);
    const distinct = sut.filter((p) => !p.nearDuplicate);
    // The same-topic pair a–b once, not twice; each article against up to two others of its language; first paragraphs.
    expect(distinct.filter((p) => p.kind === 'same-topic-other-story')).toHaveLength(1);
    expect(distinct.filter((p) => p.kind === 'other-article').every((p) => p.lang === 'en')).toBe(true);
    expect(distinct.filter((p) => p.kind === 'first-paragraph-only').map((p) => p.baseId)).toEqual(['a', 'zh-1']);
    expect(sut.filter((p) => p.nearDuplicate)).toHaveLength(articles.length * 10);
  });

  it('gives no pairs for no articles', () => {
    expect(labelledPairs([], 1)).toEqual([]);
  });
});
