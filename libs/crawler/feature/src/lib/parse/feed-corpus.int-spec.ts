// Conformance of the whole read path (bytes → decode → parse → normalize → sanitize) against the
// labelled feed corpus in ../shared/corpora/feeds (relative to the repository root). Every case is
// run; a per-kind and per-folder pass-rate table is printed, then the goals are asserted.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { htmlToPlainText, plainTextToHtml, sanitizeContent, titleText } from '../normalize/html-content';
import { readFeed, type ReadFeed } from './feed-reader';

const REPO_ROOT = resolve(__dirname, '../../../../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/corpora/feeds');
/** The corpus was labelled with documents served from this origin (relative links in expectations use it). */
const DOCUMENT_ORIGIN = 'http://127.0.0.1:8097';

interface CorpusCase {
  kind: 'eq' | 'xss' | 'charset';
  file: string;
  source: string;
  description: string;
  field?: string;
  value?: string;
  encoding?: string;
}

type Verdict = { status: 'pass'; nothingKept?: boolean } | { status: 'fail'; why: string } | { status: 'n/a'; why: string };

const pass: Verdict = { status: 'pass' };
const fail = (why: string): Verdict => ({ status: 'fail', why });

/** The HTTP headers the case was labelled with ("Header: Name: value" lines in its leading comment). */
function headersOf(body: Buffer): Record<string, string> {
  const head = body.subarray(0, 2048).toString('latin1');
  const comment = /<!--([\s\S]*?)-->/.exec(head)?.[1] ?? '';
  const headers: Record<string, string> = {};
  for (const match of comment.matchAll(/^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$/gm)) headers[match[1].toLowerCase()] = match[2];
  return headers;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Our titles and descriptions are plain text. The corpus does not say whether an expected value
 * is text or HTML, so it matches when ours equals it read either way (exactly, after whitespace).
 */
function matchesText(ours: string, expected: string): boolean {
  return squash(ours) === squash(expected) || squash(ours) === squash(titleText(expected, true));
}

/** Our HTML against the expected value put through our sanitizer (as HTML), or through our text-to-HTML (as text). */
function matchesHtml(ours: string, expected: string, base: string): boolean {
  return squash(ours) === squash(sanitizeContent(expected, base)) || squash(ours) === squash(plainTextToHtml(expected));
}

/** URLs are compared as the WHATWG parser reads them: "http://item.TEST/" and "http://item.test/" are one URL. */
function sameUrl(ours: string, expected: string): boolean {
  try {
    return ours === new URL(expected).href;
  } catch {
    return ours === expected;
  }
}

const ACTIVE_CONTENT: Array<[string, RegExp]> = [
  ['script element', /<\s*script\b/i],
  ['event-handler attribute', /<[^>]*\s(?:\/\s*)?on[a-z]+\s*=/i],
  ['javascript: URL', /(?:java|vb)script:/i],
  ['frame, object or embed', /<\s*(?:iframe|frame|object|embed|applet)\b/i],
];

/** Control characters, spaces and zero-width characters, which browsers skip inside a URL scheme. */
function isInvisible(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c <= 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xad || (c >= 0x200b && c <= 0x200f) || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

/** Runs of invisible characters: dropped, or one space when the run had a space (attributes stay apart). */
function withoutInvisible(text: string): string {
  let out = '';
  let run = '';
  for (const ch of text) {
    if (isInvisible(ch)) {
      run += ch;
      continue;
    }
    if (run) out += run.includes(' ') ? ' ' : '';
    run = '';
    out += ch;
  }
  return out;
}

const codePoint = (n: number) => (n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '');

/** HTML with entities and invisible characters taken out, so that "jav&#x09;ascript&#58;" is seen for what it is. */
function revealed(html: string): string {
  const decoded = html
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => codePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => codePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;|&newline;/gi, '');
  return withoutInvisible(decoded);
}

function activeContentIn(feed: ReadFeed): string | null {
  const fields: Array<[string, string]> = [
    ['source.title', feed.title],
    ['source.description', feed.description],
    ...feed.entries.flatMap((e, i): Array<[string, string]> => [
      [`items[${i}].title`, e.item.title],
      [`items[${i}].author`, e.item.author],
      [`items[${i}].contentHtml (stored)`, e.item.contentHtml],
      [`items[${i}].summaryHtml`, e.summaryHtml],
      [`items[${i}].contentHtml`, e.contentHtml],
      [`items[${i}].text`, e.item.text],
    ]),
  ];
  for (const [name, value] of fields) {
    for (const [what, pattern] of ACTIVE_CONTENT) {
      if (pattern.test(value) || pattern.test(revealed(value))) return `${what} in ${name}: ${value.slice(0, 160)}`;
    }
  }
  return null;
}

function canonicalEncoding(label: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return label.toLowerCase();
  }
}

function evaluate(c: CorpusCase, feed: ReadFeed, base: string): Verdict {
  switch (c.kind) {
    case 'xss': {
      const found = activeContentIn(feed);
      if (found) return fail(found);
      // Reported separately: a feed of which nothing was kept passes without proving much.
      const nothingKept = !feed.title && !feed.description && feed.entries.every((e) => !e.item.title && !e.item.contentHtml && !e.summaryHtml);
      return { status: 'pass', nothingKept };
    }
    case 'charset': {
      const titles = [feed.title, feed.description, ...feed.items.map((i) => i.title)];
      const broken = titles.find((t) => t.includes('\ufffd'));
      if (broken !== undefined) return fail(`U+FFFD in "${broken}"`);
      const expected = canonicalEncoding(c.encoding ?? 'utf-8');
      return feed.encoding === expected ? pass : fail(`decoded as ${feed.encoding}, expected ${expected}`);
    }
    case 'eq':
      return evaluateField(c.field ?? '', c.value ?? '', feed, base);
  }
}

function evaluateField(field: string, expected: string, feed: ReadFeed, base: string): Verdict {
  const verdict = (ok: boolean, ours: string) => (ok ? pass : fail(`${field} is ${JSON.stringify(ours)}, expected ${JSON.stringify(expected)}`));
  const [scope, name] = field.split('.');
  if (scope === 'source') {
    switch (name) {
      case 'title':
        return verdict(matchesText(feed.title, expected), feed.title);
      case 'siteUrl':
        return verdict(sameUrl(feed.siteUrl, expected), feed.siteUrl);
      case 'description':
        return verdict(matchesText(feed.description, expected), feed.description);
    }
  }
  const entry = feed.entries[0];
  if (scope !== 'item') return fail(`unknown field ${field}`);
  if (!entry) return fail('the feed has no item');
  const iso = (date: Date | null) => date?.toISOString().replace('.000Z', 'Z') ?? '';
  switch (name) {
    case 'title':
      return verdict(matchesText(entry.item.title, expected), entry.item.title);
    case 'url':
      return verdict(sameUrl(entry.item.url, expected), entry.item.url);
    case 'guid':
      return verdict(entry.item.guid === expected, entry.item.guid);
    case 'author':
      return authorVerdict(entry.item.author, expected) ?? verdict(entry.item.author === expected, entry.item.author);
    case 'summaryHtml':
      return verdict(matchesHtml(entry.summaryHtml, expected, base), entry.summaryHtml);
    case 'contentHtml':
      return verdict(matchesHtml(entry.contentHtml, expected, base), entry.contentHtml);
    case 'published':
      return verdict(iso(entry.publishedAt) === expected, iso(entry.publishedAt));
    case 'updated':
      return verdict(iso(entry.updatedAt) === expected, iso(entry.updatedAt));
  }
  return fail(`unknown field ${field}`);
}

/**
 * The corpus writes an author as "name (email)". We keep the display name only — an author's
 * e-mail address is not something the product stores or shows — so such a case is not applicable
 * when we have exactly the name.
 */
function authorVerdict(ours: string, expected: string): Verdict | null {
  const withEmail = /^(.+?) \(([^()\s]+@[^()\s]+)\)$/.exec(expected);
  if (!withEmail || ours !== withEmail[1]) return null;
  return { status: 'n/a', why: "we store the author's display name, not their e-mail address" };
}

function runCase(c: CorpusCase): Verdict {
  const body = readFileSync(resolve(CORPUS, 'cases', c.file));
  const headers = headersOf(body);
  const url = `${DOCUMENT_ORIGIN}/${c.source}`;
  let feed: ReadFeed;
  try {
    feed = readFeed({ body, contentType: headers['content-type'] ?? '', url, contentLocation: headers['content-location'] });
  } catch (error) {
    return fail(`not read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const base = headers['content-location'] ? new URL(headers['content-location'], url).href : url;
  return evaluate(c, feed, base);
}

interface Tally {
  pass: number;
  fail: number;
  na: number;
}

function table(rows: Map<string, Tally>): string {
  const lines = [['group', 'cases', 'pass', 'fail', 'n/a', 'pass rate'].map((h) => h.padEnd(22)).join('')];
  for (const [group, t] of rows) {
    const applicable = t.pass + t.fail;
    const rate = applicable ? `${((100 * t.pass) / applicable).toFixed(1)}%` : '—';
    lines.push([group, t.pass + t.fail + t.na, t.pass, t.fail, t.na, rate].map((v) => String(v).padEnd(22)).join(''));
  }
  return lines.join('\n');
}

describe('feed corpus conformance', () => {
  const cases = JSON.parse(readFileSync(resolve(CORPUS, 'cases.json'), 'utf8')) as CorpusCase[];
  const results = cases.map((c) => ({ c, verdict: runCase(c) }));
  const tallies = new Map<string, Tally>();
  const count = (group: string, verdict: Verdict) => {
    const t = tallies.get(group) ?? { pass: 0, fail: 0, na: 0 };
    if (verdict.status === 'pass') t.pass++;
    else if (verdict.status === 'fail') t.fail++;
    else t.na++;
    tallies.set(group, t);
  };
  for (const kind of ['eq', 'xss', 'charset']) for (const { c, verdict } of results) if (c.kind === kind) count(`kind ${kind}`, verdict);
  for (const folder of ['wellformed', 'illformed', 'encoding']) {
    for (const { c, verdict } of results) if (c.file.startsWith(`${folder}__`)) count(`folder ${folder}`, verdict);
  }
  for (const { verdict } of results) count('all', verdict);

  const failures = results.filter((r) => r.verdict.status === 'fail');
  const notApplicable = results.filter((r) => r.verdict.status === 'n/a');
  const rate = (kind: string) => {
    const t = tallies.get(`kind ${kind}`) ?? { pass: 0, fail: 0, na: 0 };
    return t.pass / Math.max(1, t.pass + t.fail);
  };

  beforeAll(() => {
    const describeCase = ({ c, verdict }: (typeof results)[number]) =>
      `  ${c.file} [${c.kind}${c.field ? ` ${c.field}` : ''}]: ${'why' in verdict ? verdict.why : ''}`;
    console.log(
      [
        `feed corpus: ${cases.length} cases from ${CORPUS}`,
        table(tallies),
        `xss cases where the document was read but kept no title, description or HTML at all: ${
          results.filter((r) => r.c.kind === 'xss' && r.verdict.status === 'pass' && r.verdict.nothingKept).length
        }`,
        ...results
          .filter((r) => process.env['FEED_CORPUS_VERBOSE'] && r.verdict.status === 'pass' && r.verdict.nothingKept)
          .map((r) => `  nothing kept: ${r.c.file}`),
        `not applicable (${notApplicable.length}):`,
        ...notApplicable.map(describeCase),
        `failures (${failures.length}):`,
        ...failures.map(describeCase),
      ].join('\n'),
    );
  });

  it('runs every case of the corpus', () => {
    expect(cases.length).toBeGreaterThan(600);
    expect(results).toHaveLength(cases.length);
  });

  it('keeps every XSS case free of scripts, event handlers and javascript: URLs', () => {
    expect(results.filter((r) => r.c.kind === 'xss' && r.verdict.status !== 'pass').map((r) => r.c.file)).toEqual([]);
  });

  it('decodes every charset case without replacement characters, with the right encoding', () => {
    expect(results.filter((r) => r.c.kind === 'charset' && r.verdict.status !== 'pass').map((r) => r.c.file)).toEqual([]);
  });

  it('reads at least 95% of the field-equality cases as labelled', () => {
    expect(rate('eq')).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps the not-applicable cases few', () => {
    expect(notApplicable.length).toBeLessThanOrEqual(5);
  });
});

describe('feed corpus checks themselves', () => {
  it('sees active content hidden behind entities and whitespace', () => {
    const feed = (html: string): ReadFeed => ({
      title: 't',
      siteUrl: '',
      description: '',
      encoding: 'utf-8',
      items: [],
      entries: [
        {
          item: { itemKey: 'k', guid: '', url: '', title: 't', author: '', publishedAt: undefined, contentHtml: html, text: htmlToPlainText(html), contentHash: '' },
          summaryHtml: '',
          contentHtml: html,
          publishedAt: null,
          updatedAt: null,
          stored: true,
        },
      ],
    });

    expect(activeContentIn(feed('<a href="jav&#x09;ascript&#58;alert(1)">x</a>'))).toMatch(/javascript/);
    expect(activeContentIn(feed('<img src="x" ONERROR = "alert(1)">'))).toMatch(/event-handler/);
    expect(activeContentIn(feed('< script>alert(1)</script>'))).toMatch(/script element/);
    expect(activeContentIn(feed('<p>Safe <a href="https://example.com/">link</a></p>'))).toBeNull();
  });

  it('compares text either way and HTML after our sanitizer', () => {
    expect(matchesText('Example Atom', 'Example <b>Atom</b>')).toBe(true);
    expect(matchesText('History of the <blink> tag', 'History of the <blink> tag')).toBe(true);
    expect(matchesText('Example', 'Example <b>Atom</b>')).toBe(false);
    expect(matchesHtml('<b>x</b><br />', '<b>x</b><br/>', DOCUMENT_ORIGIN)).toBe(true);
    expect(matchesHtml('<p>Example Atom</p>', 'Example Atom', DOCUMENT_ORIGIN)).toBe(true);
    expect(matchesHtml('Example Atom', 'Example <b>Atom</b>', DOCUMENT_ORIGIN)).toBe(false);
  });
});
