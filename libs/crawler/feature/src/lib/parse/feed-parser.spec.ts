import { readFixture } from '../testing/fixture-server';
import { parseFeedDocument, ParseError } from './feed-parser';

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
