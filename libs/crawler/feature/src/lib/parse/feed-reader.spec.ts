import { documentBaseUrl, readFeed } from './feed-reader';
import { ParseError } from './feed-parser';

describe(readFeed.name, () => {
  const atom = (entry: string) => Buffer.from(`<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>${entry}</feed>`);

  it('resolves relative links against the Content-Location', () => {
    const sut = readFeed({
      body: atom('<entry><id>1</id><title>a</title><link href="p/1"/></entry>'),
      contentType: 'application/atom+xml',
      url: 'https://feeds.example.com/x/atom',
      contentLocation: 'https://www.example.com/blog/atom.xml',
    });

    expect(sut.items[0]?.url).toBe('https://www.example.com/blog/p/1');
    expect(sut.encoding).toBe('utf-8');
  });

  it('reads an empty but well-formed feed as a feed without items', () => {
    const sut = readFeed({ body: Buffer.from('<feed version="0.3" xmlns="http://purl.org/atom/ns#">\n</feed>'), contentType: '', url: 'https://e.example/' });

    expect(sut.items).toEqual([]);
    expect(sut.title).toBe('');
  });

  it('still refuses what is not a feed', () => {
    expect(() => readFeed({ body: Buffer.from('<html><body>hi</body></html>'), contentType: 'text/html', url: 'https://e.example/' })).toThrow(ParseError);
    expect(() => readFeed({ body: Buffer.from('<catalog><book/></catalog>'), contentType: 'application/xml', url: 'https://e.example/' })).toThrow(ParseError);
  });
});

describe(documentBaseUrl.name, () => {
  it.each([
    ['https://a.example/feed', undefined, 'https://a.example/feed'],
    ['https://a.example/feed', '', 'https://a.example/feed'],
    ['https://a.example/x/feed', '/y/feed.xml', 'https://a.example/y/feed.xml'],
    ['https://a.example/feed', 'https://b.example/feed', 'https://b.example/feed'],
    ['https://a.example/feed', 'javascript:alert(1)', 'https://a.example/feed'],
    ['https://a.example/feed', 'http://[bad', 'https://a.example/feed'],
  ])('%s with Content-Location %p → %s', (url, location, base) => {
    expect(documentBaseUrl(url, location)).toBe(base);
  });
});
