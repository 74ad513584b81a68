import { parseFeedDocument } from '../parse/feed-parser';
import { readFixture } from '../testing/fixture-server';
import { normalizeFeed } from './feed-normalizer';

function normalizeFixture(file: string, url: string) {
  return normalizeFeed(parseFeedDocument(readFixture(file), '', url).feed, url);
}

const iso = (ts: { seconds: string; nanos: number }) => new Date(Number(ts.seconds) * 1000 + ts.nanos / 1e6).toISOString();

describe(normalizeFeed.name, () => {
  describe('RSS 2.0', () => {
    const sut = normalizeFixture('rss2.xml', 'https://blog.example.org/feed.xml');

    it('reads the feed title and every item', () => {
      expect(sut.title).toBe('Example Engineering & Research');
      expect(sut.items.map((i) => i.title)).toEqual(['Scaling feeds: A & B part 1', 'Second post', 'No identity but a link']);
    });

    it('resolves relative links against the feed URL and keeps their canonical form (no tracking parameters, no fragment)', () => {
      expect(sut.items[0].url).toBe('https://blog.example.org/posts/scaling-feeds?ref=home');
    });

    it('identifies by GUID, by canonical URL, and uses a permalink GUID as the link', () => {
      expect(sut.items[0].itemKey).toMatch(/^g:[0-9a-f]{64}$/);
      expect(sut.items[1].url).toBe('https://blog.example.org/posts/second');
      expect(sut.items[2].itemKey).toMatch(/^u:[0-9a-f]{64}$/);
      expect(sut.items[2].guid).toBe('');
    });

    it('reads authors from dc:creator and from <author>', () => {
      expect(sut.items[0].author).toBe('Ada Lovelace');
      expect(sut.items[1].author).toBe('The Editor');
    });

    it('parses RFC 822 dates and leaves invalid ones at zero', () => {
      expect(iso(sut.items[0].publishedAt!)).toBe('2024-01-02T02:30:00.000Z');
      expect(sut.items[2].publishedAt).toEqual({ seconds: '0', nanos: 0 });
    });

    it('sanitizes content:encoded and makes its links absolute against the document (no xml:base)', () => {
      const html = sut.items[0].contentHtml;

      expect(html).not.toMatch(/script|onclick|onerror|javascript:|iframe|target=/i);
      expect(html).toContain('<a href="https://blog.example.org/docs/intro" rel="noopener noreferrer">introduction</a>');
      expect(html).toContain('<img src="https://blog.example.org/images/chart.png" alt="chart" />');
    });

    it('derives plain text from the content, falling back to the description', () => {
      expect(sut.items[0].text).toBe('The introduction explains why.\n\nclick me');
      expect(sut.items[1].text).toBe('Plain HTML description.');
      expect(sut.items[1].contentHtml).toBe('<p>Plain <em>HTML</em> description.</p>');
    });

    it('hashes the content', () => {
      expect(sut.items[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(new Set(sut.items.map((i) => i.contentHash)).size).toBe(3);
    });
  });

  describe('Atom 1.0', () => {
    const sut = normalizeFixture('atom.xml', 'https://atom.example.com/blog/feed.atom');

    it('uses xml:base and the alternate link', () => {
      expect(sut.items[0].url).toBe('https://atom.example.com/blog/entries/first');
    });

    it('reads HTML titles and content, and the published date with its offset', () => {
      expect(sut.title).toBe('Atom Example');
      expect(sut.items[0].title).toBe('Entities & markup');
      expect(sut.items[0].text).toBe('Heading\n\nBody with a relative link.');
      // "../about" against the feed's xml:base https://atom.example.com/blog/.
      expect(sut.items[0].contentHtml).toContain('href="https://atom.example.com/about"');
      expect(iso(sut.items[0].publishedAt!)).toBe('2024-03-01T04:15:30.250Z');
      expect(sut.items[0].guid).toBe('urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a');
    });

    it('falls back to the summary, the updated date and the feed author', () => {
      expect(sut.items[1].text).toBe('Only a summary here.');
      expect(sut.items[1].author).toBe('Feed Author');
      expect(iso(sut.items[1].publishedAt!)).toBe('2024-03-02T08:00:00.000Z');
    });
  });

  describe('RDF', () => {
    const sut = normalizeFixture('rdf.xml', 'https://rdf.example.net/rss');

    it('reads items with Dublin Core creator and dates, rdf:about as the id, identified by URL', () => {
      expect(sut.title).toBe('RDF Site Summary');
      expect(sut.items).toHaveLength(2);
      expect(sut.items[0]).toMatchObject({ title: 'First RDF item', author: 'Tim Berners-Lee', url: 'https://rdf.example.net/news/1' });
      expect(sut.items[0]).toMatchObject({ guid: 'https://rdf.example.net/news/1' });
      expect(sut.items[0].itemKey).toMatch(/^u:/);
      expect(iso(sut.items[0].publishedAt!)).toBe('2023-12-24T17:00:00.000Z');
      expect(iso(sut.items[1].publishedAt!)).toBe('2023-12-25T00:00:00.000Z');
    });
  });

  describe('JSON Feed', () => {
    const sut = normalizeFixture('json-feed.json', 'https://json.example.com/feed.json');

    it('reads items, resolves relative URLs and sanitizes content_html', () => {
      expect(sut.title).toBe('JSON Feed Example');
      expect(sut.items[0]).toMatchObject({ guid: '2', url: 'https://json.example.com/posts/hello-json', author: 'Brent Simmons', text: 'Hello world' });
      expect(sut.items[0].contentHtml).not.toContain('onerror');
    });

    it('turns content_text into HTML and titles an untitled item with its first words', () => {
      expect(sut.items[1].title).toBe('A micro post without a title.');
      expect(sut.items[1].contentHtml).toBe('<p>A micro post without a title.</p>\n<p>It has two paragraphs.</p>');
      expect(sut.items[1].author).toBe('Feed Owner');
    });
  });

  describe('Chinese feed', () => {
    const sut = normalizeFixture('chinese-utf8.xml', 'https://news.example.cn/rss');

    it('keeps the characters and reads a zone-less date as UTC', () => {
      expect(sut.title).toBe('科技新闻');
      expect(sut.items[0].title).toBe('人工智能助力新闻聚合');
      expect(sut.items[0].text).toBe('开源项目发布了新版本，支持多种订阅源。');
      expect(iso(sut.items[0].publishedAt!)).toBe('2024-06-18T09:30:00.000Z');
    });
  });

  describe('identity edge cases', () => {
    function rss(items: string): string {
      return `<rss version="2.0"><channel><title>t</title><link>https://e.example/</link>${items}</channel></rss>`;
    }
    const parse = (xml: string) => normalizeFeed(parseFeedDocument(Buffer.from(xml), '', 'https://e.example/feed').feed, 'https://e.example/feed');

    it('gives the same URL key to links that differ only in tracking parameters and fragment', () => {
      const a = parse(rss('<item><title>a</title><link>https://E.example/p?utm_source=x#top</link></item>'));
      const b = parse(rss('<item><title>b</title><link>https://e.example/p?gclid=1</link></item>'));

      expect(a.items[0].itemKey).toBe(b.items[0].itemKey);
    });

    it('falls back to a content key without GUID or link', () => {
      const sut = parse(rss('<item><title>Only text</title><description>body</description></item>'));

      expect(sut.items[0].itemKey).toMatch(/^h:/);
      expect(sut.items[0].url).toBe('');
    });

    it('keeps one item per identity and drops empty items', () => {
      const sut = parse(
        rss(
          '<item><guid isPermaLink="false">same</guid><title>first</title></item>' +
            '<item><guid isPermaLink="false">same</guid><title>again</title></item><item></item>',
        ),
      );

      expect(sut.items.map((i) => i.title)).toEqual(['first']);
    });

    it('refuses a javascript: link', () => {
      const sut = parse(rss('<item><title>x</title><link>javascript:alert(1)</link></item>'));

      expect(sut.items[0].url).toBe('');
    });
  });

  describe('feed details beyond what storage keeps', () => {
    const read = (xml: string, url = 'https://e.example/feed') => normalizeFeed(parseFeedDocument(Buffer.from(xml), '', url).feed, url);

    it('reads the site URL and description of RSS, Atom and RDF', () => {
      const rss = read('<rss version="2.0"><channel><title>t</title><link>/home</link><description>About &lt;b&gt;us&lt;/b&gt;</description></channel></rss>');
      const atom = read(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><subtitle type="text">1 &lt; 2</subtitle>' +
          '<link rel="self" href="/feed"/><link href="https://site.example/"/></feed>',
      );

      expect(rss).toMatchObject({ siteUrl: 'https://e.example/home', description: 'About us' });
      expect(atom).toMatchObject({ siteUrl: 'https://site.example/', description: '1 < 2' });
    });

    it('keeps summary and content apart, with updated and published dates', () => {
      const sut = read(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>a</title>' +
          '<summary>Short</summary><content type="html">&lt;p&gt;Long&lt;/p&gt;</content>' +
          '<published>2024-01-01T00:00:00Z</published><updated>2024-02-01T00:00:00Z</updated></entry></feed>',
      );

      expect(sut.entries[0]).toMatchObject({ summaryHtml: '<p>Short</p>', contentHtml: '<p>Long</p>' });
      expect(sut.entries[0]?.publishedAt?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(sut.entries[0]?.updatedAt?.toISOString()).toBe('2024-02-01T00:00:00.000Z');
      expect(sut.items[0]?.contentHtml).toBe('<p>Long</p>');
    });

    it('reads dcterms dates of RSS items', () => {
      const sut = read(
        '<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>t</title><item><title>a</title>' +
          '<dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued><dcterms:modified>2004-01-31T10:14:55Z</dcterms:modified></item></channel></rss>',
      );

      expect(sut.entries[0]?.publishedAt?.toISOString()).toBe('2003-12-31T10:14:55.000Z');
      expect(sut.entries[0]?.updatedAt?.toISOString()).toBe('2004-01-31T10:14:55.000Z');
    });

    it('decodes Atom 1.0 Base64 content (a non-text MIME type) and shows it as text', () => {
      const encoded = Buffer.from('Example <b>Atom</b>').toString('base64');
      const sut = read(
        `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>a</title>` +
          `<summary type="application/octet-stream">${encoded}</summary></entry></feed>`,
      );

      expect(sut.entries[0]?.summaryHtml).toBe('<p>Example &lt;b&gt;Atom&lt;/b&gt;</p>');
    });

    it('shows nothing for Base64 content that is not UTF-8 text', () => {
      const sut = read(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>a</title>' +
          `<content type="image/png">${Buffer.from([0xff, 0xfe, 0x00, 0x89]).toString('base64')}</content></entry></feed>`,
      );

      expect(sut.entries[0]?.contentHtml).toBe('');
    });

    it('keeps Atom type="text" titles literal, and reads Windows punctuation references', () => {
      const sut = read(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">History of the &amp;lt;blink&amp;gt; tag</title>' +
          '<entry><id>1</id><title type="html">don&amp;#146;t</title></entry></feed>',
      );

      expect(sut.title).toBe('History of the &lt;blink&gt; tag');
      expect(sut.items[0]?.title).toBe('don’t');
    });

    it('lists entries with nothing to show but does not store them', () => {
      const sut = read('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:only-an-id</id></entry></feed>');

      expect(sut.entries).toHaveLength(1);
      expect(sut.entries[0]).toMatchObject({ stored: false, item: { guid: 'urn:x:only-an-id' } });
      expect(sut.items).toEqual([]);
    });
  });
});
