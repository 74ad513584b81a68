import { parseFeed, type AnyFeed } from 'feedsmith';
import { extractFeed } from '../normalize/feed-normalizer';
import { readFixture } from '../testing/fixture-server';
import { decodeDocument } from './charset';
import { parseFeedDocument, ParseError } from './feed-parser';
import { prepareFeedSource } from './feed-source';
import { discoverWebSub } from './websub-links';

const URL = 'https://feeds.example.org/feed';

/** A GBK-encoded RSS feed, byte by byte: ASCII markup around 中文 (D6D0 CEC4) and 新闻 (D0C2 CEC5). */
function gbkFeed(declaration: boolean): Buffer {
  const ascii = (text: string) => Buffer.from(text, 'ascii');
  const zhongwen = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]);
  const xinwen = Buffer.from([0xd0, 0xc2, 0xce, 0xc5]);
  return Buffer.concat([
    ascii(declaration ? '<?xml version="1.0" encoding="GBK"?>' : ''),
    ascii('<rss version="2.0"><channel><title>'),
    zhongwen,
    ascii('</title><link>https://gbk.example.cn/</link><item><title>'),
    xinwen,
    ascii('</title><link>https://gbk.example.cn/1</link></item></channel></rss>'),
  ]);
}

function parseFailure(body: Buffer, contentType = ''): ParseError {
  try {
    parseFeedDocument(body, contentType, URL);
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}

describe(parseFeedDocument.name, () => {
  it.each([
    ['rss2.xml', 'rss'],
    ['atom.xml', 'atom'],
    ['rdf.xml', 'rdf'],
    ['json-feed.json', 'json'],
    ['chinese-utf8.xml', 'rss'],
  ])('recognises %s as %s', (file, format) => {
    const sut = parseFeedDocument(readFixture(file), '', URL);

    expect(sut.feed.format).toBe(format);
  });

  it('reads a Chinese UTF-8 feed', () => {
    const sut = parseFeedDocument(readFixture('chinese-utf8.xml'), 'application/rss+xml; charset=utf-8', URL);

    expect(sut.feed.format === 'rss' && sut.feed.feed.items?.[0]?.title).toBe('人工智能助力新闻聚合');
  });

  it('reads a GBK feed from its XML declaration', () => {
    const sut = parseFeedDocument(gbkFeed(true), 'application/xml', URL);

    expect(sut.encoding).toBe('gbk');
    expect(sut.feed.format).toBe('rss');
    if (sut.feed.format !== 'rss') return;
    expect(sut.feed.feed.title).toBe('中文');
    expect(sut.feed.feed.items?.[0]?.title).toBe('新闻');
  });

  it('reads a GBK feed from the Content-Type charset', () => {
    const sut = parseFeedDocument(gbkFeed(false), 'text/xml; charset=gbk', URL);

    expect(sut.feed.format === 'rss' && sut.feed.feed.title).toBe('中文');
  });

  it('does not expand entities declared in a DOCTYPE', () => {
    const doc =
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      '<rss version="2.0"><channel><title>&b;</title><item><title>&x;</title><link>https://e.example/1</link></item></channel></rss>';

    const sut = parseFeedDocument(Buffer.from(doc), '', URL);

    expect(sut.feed.format).toBe('rss');
    expect(JSON.stringify(sut.feed)).not.toContain('aaaaaaaaaa');
    expect(JSON.stringify(sut.feed)).not.toContain('root:');
  });

  it('accepts an RSS 0.91 DOCTYPE', () => {
    const doc =
      '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">' +
      '<rss version="0.91"><channel><title>Old</title><item><title>One</title><link>https://e.example/1</link></item></channel></rss>';

    expect(parseFeedDocument(Buffer.from(doc), '', URL).feed.format).toBe('rss');
  });

  describe('agreement with feedsmith (what the crawler reads of a feed is the same)', () => {
    /** What the crawler takes of a parsed feed: the extracted fields and the WebSub links. */
    const readBy = (parse: (body: Buffer) => AnyFeed) => (body: Buffer) => {
      const feed = parse(body);
      return { format: feed.format, extracted: extractFeed(feed, URL), webSub: discoverWebSub(feed, URL) };
    };
    const ours = readBy((body) => parseFeedDocument(body, '', URL).feed);
    const feedsmith = readBy((body) => parseFeed(prepareFeedSource(decodeDocument(body).text)) as AnyFeed);

    const ns =
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:a10="http://www.w3.org/2005/Atom" ' +
      'xmlns:m="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:dcterms="http://purl.org/dc/terms/"';
    const rss = (item: string, channel = '') => `<?xml version="1.0"?><rss version="2.0" ${ns}><channel><title>T</title>${channel}<item>${item}</item></channel></rss>`;
    const atom = (entry: string, feed = '') =>
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://b.example/dir/">${feed}<title>T</title><entry>${entry}</entry></feed>`;

    it.each(['rss2.xml', 'atom.xml', 'rdf.xml', 'chinese-utf8.xml'])('reads the fixture %s as feedsmith does', (file) => {
      const body = readFixture(file);

      expect(ours(body)).toEqual(feedsmith(body));
    });

    it.each([
      ['RSS description with inline HTML, entities, comments and CDATA', rss('<title>x</title><description><p>Hi <b>you</b><br> &amp;lt; &nbsp;<!-- c --><![CDATA[<i>raw</i> & ]]></p></description>')],
      ['a stray end tag inside an unescaped description', rss('<title>x</title><description><p>bad</item></p></description><link>https://e.example/1</link>')],
      ['an end tag of another element inside a title', rss('<title>x</b></title><link>https://e.example/1</link>')],
      ['an author as "address (name)"', rss('<title>x</title><author>joe@example.com (Joe Bloggs)</author>')],
      ['an author as "name <address>"', rss('<title>x</title><author>Joe Bloggs &lt;joe@example.com&gt;</author>')],
      ['an author that is only a mailto address, and a dc:creator', rss('<title>x</title><author>mailto:joe@example.com</author><dc:creator>Dee</dc:creator>')],
      ['a GUID that is not a permalink', rss('<guid isPermaLink=" FALSE ">https://e.example/g</guid>')],
      ['a GUID that is a permalink', rss('<guid>https://e.example/g</guid>')],
      ['WebSub links under another prefix of the Atom namespace', rss('<title>x</title>', '<a10:link rel="hub" href="https://hub.example/"/><a10:link rel="self" href="/feed.xml"/>')],
      ['a title only in media:group', rss('<m:group><m:title type="plain">Media T</m:title></m:group><link>https://e.example/1</link>')],
      ['a title only in media:content', rss('<m:content url="x"><m:title>MC</m:title></m:content>')],
      ['an item with xml:base', rss('<title>x</title><link>rel/1</link>').replace('<item>', '<item xml:base="https://other.example/a/">')],
      ['content:encoded', rss('<title>x</title><content:encoded><![CDATA[<p>full</p>]]></content:encoded>')],
      ['upper-case element names', rss('<TITLE>Up</TITLE><LINK>https://e.example/u</LINK><PubDate>Mon, 01 Jan 2024 00:00:00 GMT</PubDate>')],
      ['iTunes and Dublin Core terms', rss('<title>x</title><itunes:author>IA</itunes:author><dcterms:issued>2024-01-02</dcterms:issued><dcterms:modified>2024-01-03</dcterms:modified>', '<itunes:subtitle>Sub</itunes:subtitle>')],
      ['numeric and named entities', rss('<title>&#8217;q&#x2019; &eacute; &amp;amp; &copy</title>')],
      ['RSS 0.91 without a channel', '<rss version="0.91"><item><title>x</title></item></rss>'],
      ['an Atom link with an entity in its href', atom('<title>x</title><link href="/a?b=1&amp;c=2"/>')],
      [
        'Atom xhtml text and content (prefixed div, nested divs)',
        atom('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hi <b>you</b></div></title><content type="xhtml"><xh:div xmlns:xh="http://www.w3.org/1999/xhtml"><xh:p>p1</xh:p><xh:div>in</xh:div></xh:div></content>'),
      ],
      ['Atom xhtml content that is two divs', atom('<title>x</title><content type="xhtml"><div>a</div><div>b</div></content>')],
      ['Atom html text, alternate and self links', atom('<title type="html">A &lt;b&gt;bold&lt;/b&gt;</title><summary type="html"><![CDATA[<p>S</p>]]></summary><link rel="alternate" href="e/1"/><link rel="self" href="/s"/>')],
      ['Atom authors, one without a name', atom('<title>x</title><author><email>a@b.c</email></author><author><name>Second</name></author>', '<author><name>Feed Author</name></author>')],
      ['Atom content by reference', atom('<title>x</title><content src="https://e.example/c" type="text/html"/>')],
      ['Atom Base64 content', atom('<title>x</title><content type="application/octet-stream">aGVsbG8=</content>')],
      [
        'Atom 0.3',
        '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title><tagline>tag</tagline><entry><title>e</title><issued>2003-12-13T08:29:29-04:00</issued>' +
          '<modified>2003-12-13T18:30:02Z</modified><content type="text/html" mode="escaped">&lt;p&gt;c&lt;/p&gt;</content><link rel="alternate" type="text/html" href="http://e.example/1"/></entry></feed>',
      ],
      ['Atom with a prefix', '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>P</a:title><a:link rel="hub" href="https://hub.example/"/><a:entry><a:title>E</a:title><a:id>1</a:id></a:entry></a:feed>'],
      [
        'RDF items in the order of the table of contents',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="x"><title>R</title>' +
          '<link>https://r.example/</link><dc:description>dd</dc:description><items><rdf:Seq><rdf:li rdf:resource="https://r.example/2"/><rdf:li resource="https://r.example/1"/></rdf:Seq></items></channel>' +
          '<item rdf:about="https://r.example/1"><title>One</title></item><item rdf:about="https://r.example/2"><title>Two</title><dc:creator>C</dc:creator><dc:date>2024-01-01</dc:date></item></rdf:RDF>',
      ],
      ['a second root element', `${rss('<title>x</title>')}<rss><channel><title>Other</title></channel></rss>`],
      ['comments and processing instructions', rss('<!-- <title>no</title> --><?php echo 1 ?><title><!--a-->x<!--b--></title>')],
    ])('reads %s as feedsmith does', (_, doc) => {
      expect(ours(Buffer.from(doc))).toEqual(feedsmith(Buffer.from(doc)));
    });
  });

  it('reads CDF (a CHANNEL root with ITEMs, HREF and ABSTRACT)', () => {
    const doc = '<CHANNEL HREF="https://cdf.example/"><TITLE>C</TITLE><ITEM HREF="https://cdf.example/1"><TITLE>One</TITLE><ABSTRACT>About one</ABSTRACT></ITEM></CHANNEL>';

    const sut = extractFeed(parseFeedDocument(Buffer.from(doc), '', URL).feed, URL);

    expect(sut).toMatchObject({ title: 'C', siteUrl: 'https://cdf.example/', items: [{ title: 'One', link: 'https://cdf.example/1', summaryHtml: 'About one' }] });
  });

  it('reads the items before the point where a feed breaks off or its markup breaks down', () => {
    const truncated = '<rss version="2.0"><channel><title>T</title><item><title>1</title></item><item><title>2</title><description>cut';
    const unclosed = '<rss version="2.0"><channel><title>T</title><item><title>1</title><enclosure url="u"></item><item><title>2</title></item></channel></rss>';

    expect(extractFeed(parseFeedDocument(Buffer.from(truncated), '', URL).feed, URL).items.map((i) => [i.title, i.summaryHtml])).toEqual([
      ['1', ''],
      ['2', 'cut'],
    ]);
    expect(extractFeed(parseFeedDocument(Buffer.from(unclosed), '', URL).feed, URL).items.map((i) => i.title)).toEqual(['1', '2']);
  });

  it('reads RDF items left inside the channel when its end tag is mistyped', () => {
    const doc =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>R</title></channl>' +
      '<item><title>One</title><link>https://r.example/1</link></item></rdf:RDF>';

    const sut = extractFeed(parseFeedDocument(Buffer.from(doc), '', URL).feed, URL);

    expect(sut.items.map((i) => i.title)).toEqual(['One']);
  });

  describe('not a feed', () => {
    it('rejects an HTML page', () => {
      const error = parseFailure(readFixture('not-a-feed.html'), 'text/html');

      expect(error.message).toBe(`the document at ${URL} is not an RSS, Atom, RDF or JSON feed (it is an HTML page)`);
    });

    it('rejects an empty document', () => {
      expect(parseFailure(Buffer.from('  \n ')).message).toContain('(it is empty)');
    });

    it('rejects random bytes', () => {
      const random = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 97 + 13) % 256));

      expect(parseFailure(random).message).toContain('is not an RSS, Atom, RDF or JSON feed');
    });

    it('rejects JSON that is not a JSON Feed', () => {
      expect(parseFailure(Buffer.from('{"hello":"world"}'), 'application/json')).toBeInstanceOf(ParseError);
    });

    it('rejects XML that is not a feed', () => {
      expect(parseFailure(Buffer.from('<?xml version="1.0"?><note><to>you</to></note>'))).toBeInstanceOf(ParseError);
    });
  });
});
