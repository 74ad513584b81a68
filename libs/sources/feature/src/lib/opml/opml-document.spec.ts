import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { buildOpml, MAX_OPML_DEPTH, MAX_OPML_FEEDS, parseOpmlFeeds, type OpmlEntry } from './opml-document';

const NESTED = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Tech">
      <outline text="AI &amp; ML">
        <outline type="rss" text="Lab blog" title="The Lab &#x4E2D;文" xmlUrl="https://lab.example/feed?x=1&amp;y=2"/>
      </outline>
      <outline type="rss" text="Ars" xmlUrl="https://ars.example/rss"/>
    </outline>
    <outline type="rss" text="Top level" xmlUrl="http://top.example/atom.xml"/>
    <outline text="Links"><outline type="link" text="Not a feed" url="https://example.org/page"/></outline>
  </body>
</opml>`;

function codeAndMessage(fn: () => unknown): { code?: ErrorCode; message: string } {
  try {
    fn();
    return { message: 'no error' };
  } catch (error) {
    return error instanceof DomainError ? { code: error.code, message: error.message } : { message: String(error) };
  }
}

describe(parseOpmlFeeds.name, () => {
  it('lists every feed with its folder path as category, decoding predefined entities', () => {
    expect(parseOpmlFeeds(NESTED)).toEqual([
      { url: 'https://lab.example/feed?x=1&y=2', title: 'The Lab 中文', category: 'Tech / AI & ML' },
      { url: 'https://ars.example/rss', title: 'Ars', category: 'Tech' },
      { url: 'http://top.example/atom.xml', title: 'Top level', category: '' },
    ]);
  });

  it('reads OPML 1.0 with a byte-order mark and the OPML 2.0 category attribute', () => {
    const xml = '\uFEFF<opml version="1.0"><head/><body><outline text="A" xmlUrl="https://a.example/" category="/News/World,/Other"/></body></opml>';

    expect(parseOpmlFeeds(xml)).toEqual([{ url: 'https://a.example/', title: 'A', category: 'News / World' }]);
  });

  it('keeps the folder of a feed outline that has children', () => {
    const xml = '<opml version="2.0"><body><outline text="F"><outline text="P" xmlUrl="https://p.example/"><outline text="C" xmlUrl="https://c.example/"/></outline></outline></body></opml>';

    expect(parseOpmlFeeds(xml).map((f) => f.category)).toEqual(['F', 'F']);
  });

  it('answers an empty list for an OPML document without feeds', () => {
    expect(parseOpmlFeeds('<opml version="2.0"><head/><body/></opml>')).toEqual([]);
  });

  it('never expands declared entities: such documents are refused', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
      <opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>`;

    expect(codeAndMessage(() => parseOpmlFeeds(bomb))).toEqual({
      code: ErrorCode.InvalidArgument,
      message: 'OPML documents that declare entities (<!ENTITY …>) are not accepted',
    });
  });

  it.each([
    ['an empty body', '   ', 'the OPML document is empty'],
    ['plain text', 'hello world', 'the document is not OPML: it has no <opml> root element'],
    ['an RSS feed', '<rss version="2.0"><channel/></rss>', 'the document is not OPML: it has no <opml> root element'],
    ['truncated XML', '<opml version="2.0"><body><outline text="a" xmlUrl="https://x/">', 'the OPML document is not well-formed XML (line 1, column'],
    ['mismatched tags', '<opml version="2.0">\n<body><outline text="a"></body></opml>', 'the OPML document is not well-formed XML (line 2, column'],
    ['OPML without a body', '<opml version="2.0"><head><title>x</title></head></opml>', 'the OPML document could not be read: it has no <body> with outlines'],
  ])('refuses %s with a clear message', (_label, xml, message) => {
    expect(codeAndMessage(() => parseOpmlFeeds(xml))).toEqual({ code: ErrorCode.InvalidArgument, message: expect.stringContaining(message) });
  });

  it('refuses folders nested deeper than the limit', () => {
    const depth = MAX_OPML_DEPTH + 2;
    const xml = `<opml version="2.0"><body>${'<outline text="f">'.repeat(depth)}<outline text="x" xmlUrl="https://x.example/"/>${'</outline>'.repeat(depth)}</body></opml>`;

    expect(codeAndMessage(() => parseOpmlFeeds(xml)).message).toMatch(/nested more than 32 levels/);
  });

  it('refuses more feeds than one import may register', () => {
    const outlines = Array.from({ length: MAX_OPML_FEEDS + 1 }, (_, i) => `<outline text="f${i}" xmlUrl="https://f.example/${i}"/>`).join('');

    expect(codeAndMessage(() => parseOpmlFeeds(`<opml version="2.0"><body>${outlines}</body></opml>`)).message).toMatch(/more than 5000 feeds/);
  });
});

describe(buildOpml.name, () => {
  const entries: OpmlEntry[] = [
    { url: 'https://lab.example/feed?x=1&y=2', title: 'The Lab <AI>', category: 'Tech / AI & ML' },
    { url: 'http://top.example/atom.xml', title: '', category: '' },
    { url: 'https://ars.example/rss', title: 'Ars', category: 'Tech' },
    { url: 'https://ctl.example/rss', title: 'Bell\u0007 title', category: 'Tech / AI & ML' },
  ];

  it('writes OPML 2.0 with a folder per category level, escaped', () => {
    const sut = buildOpml(entries);

    expect(sut).toContain('<opml version="2.0">');
    expect(sut).toContain('<outline text="Tech">');
    expect(sut).toContain('<outline text="AI &amp; ML">');
    expect(sut).toContain('xmlUrl="https://lab.example/feed?x=1&amp;y=2"');
    expect(sut).toContain('text="The Lab &lt;AI&gt;"');
    // A source without a title is named by its URL; control characters are dropped.
    expect(sut).toContain('text="http://top.example/atom.xml"');
    expect(sut).toContain('text="Bell title"');
  });

  it('round-trips every feed with its category', () => {
    const again = parseOpmlFeeds(buildOpml(entries));

    expect(again).toHaveLength(entries.length);
    expect(new Set(again.map((f) => `${f.url}|${f.category}`))).toEqual(new Set(entries.map((e) => `${e.url}|${e.category}`)));
  });

  it('writes an empty body when there are no sources', () => {
    expect(parseOpmlFeeds(buildOpml([]))).toEqual([]);
  });
});
