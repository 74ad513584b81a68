import { readFeed, type ReadFeed } from './feed-reader';

// One spec per row of the rule table in ./README.md: what feedparser's documentation says each
// RSS / Atom / RDF / CDF / Dublin Core / iTunes element fills, checked on minimal feeds written
// for the rule (not taken from any corpus). Spec names start with the rule id.

const DOC = 'http://feeds.example.org/blog/feed.xml';

function read(xml: string, headers: { contentLocation?: string; url?: string } = {}): ReadFeed {
  return readFeed({ body: Buffer.from(xml, 'utf8'), contentType: 'application/xml', url: headers.url ?? DOC, contentLocation: headers.contentLocation });
}

const rss = (item: string, channel = '', rootAttributes = '') =>
  read(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"${rootAttributes}><channel><title>c</title>${channel}<item>${item}</item></channel></rss>`);
const atom = (entry: string, feed = '', feedAttributes = '') =>
  read(`<feed xmlns="http://www.w3.org/2005/Atom"${feedAttributes}><title>f</title>${feed}<entry>${entry}</entry></feed>`);
const atom03 = (entry: string) => read(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>f</title><entry>${entry}</entry></feed>`);
const rdf = (item: string, channel = '', about = 'http://example.org/items/1') =>
  read(
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:content="http://purl.org/rss/1.0/modules/content/">` +
      `<channel rdf:about="http://example.org/"><title>c</title>${channel}</channel><item rdf:about="${about}">${item}</item></rdf:RDF>`,
  );

const first = (feed: ReadFeed) => {
  const entry = feed.entries[0];
  if (!entry) throw new Error('the feed has no entry');
  return entry;
};
const iso = (date: Date | null) => date?.toISOString() ?? null;
const shownIso = (feed: ReadFeed) => {
  const at = first(feed).item.publishedAt;
  return at ? new Date(Number(at.seconds) * 1000).toISOString() : null;
};

describe(`${readFeed.name}: the feedparser rules of README.md`, () => {
  describe('ids', () => {
    it('ID1 rss item/guid is the id', () => {
      expect(first(rss('<guid>http://example.org/a</guid>')).item.guid).toBe('http://example.org/a');
    });

    it('ID2 atom:id (Atom 1.0 and 0.3) is the id', () => {
      expect(first(atom('<id>tag:example.org,2024:1</id>')).item.guid).toBe('tag:example.org,2024:1');
      expect(first(atom03('<id>tag:example.org,2003:2</id>')).item.guid).toBe('tag:example.org,2003:2');
    });

    it('ID3 rdf:item/@rdf:about is the id', () => {
      expect(first(rdf('<title>t</title>')).item.guid).toBe('http://example.org/items/1');
    });

    it('ID4 a relative id is resolved against the item base; an absolute one is kept exactly as written', () => {
      expect(first(rss('<guid>posts/7</guid>')).item.guid).toBe('http://feeds.example.org/blog/posts/7');
      expect(first(atom('<id>/entries/8</id>', '', ' xml:base="http://atom.example.org/x/"')).item.guid).toBe('http://atom.example.org/entries/8');
      expect(first(rdf('<title>t</title>', '', 'items/9')).item.guid).toBe('http://feeds.example.org/blog/items/9');
      expect(first(atom('<id>http://www.EXAMPLE.org/%7ebob</id>')).item.guid).toBe('http://www.EXAMPLE.org/%7ebob');
    });

    it('ID5 a guid with isPermaLink="false" stays as written and is never the link', () => {
      const sut = first(rss('<guid isPermaLink="false">posts/7</guid><title>t</title>'));

      expect(sut.item).toMatchObject({ guid: 'posts/7', url: '' });
    });

    it('ID6 identity follows the id as written (RDF: the link), so resolving a relative id re-keys nothing', () => {
      const here = first(rss('<guid>posts/7</guid>'));
      const moved = first(read(`<rss version="2.0"><channel><title>c</title><item><guid>posts/7</guid></item></channel></rss>`, { url: 'http://mirror.example.net/feed' }));

      expect(here.item.guid).not.toBe(moved.item.guid);
      expect(here.item.itemKey).toBe(moved.item.itemKey);
      const rdfItem = first(rdf('<link>http://example.org/items/1</link>', '', 'http://example.org/about/1'));
      const sameLink = first(rdf('<link>http://example.org/items/1</link>', '', 'http://example.org/about/2'));
      expect(rdfItem.item.itemKey).toBe(sameLink.item.itemKey);
    });
  });

  describe('links', () => {
    it('LK1 rss item/link is the link, resolved against the base; a later link element overwrites', () => {
      expect(first(rss('<link>/posts/1</link>')).item.url).toBe('http://feeds.example.org/posts/1');
      expect(first(rss('<link>http://example.org/old</link><link>http://example.org/new</link>')).item.url).toBe('http://example.org/new');
    });

    it('LK2 a permalink guid is the link of an item without <link>', () => {
      expect(first(rss('<guid>http://example.org/p/2</guid>')).item.url).toBe('http://example.org/p/2');
      expect(first(rss('<guid>http://example.org/p/2</guid><link>http://example.org/other</link>')).item.url).toBe('http://example.org/other');
    });

    it('LK3 the atom link is the last rel="alternate" (or rel-less) link of an HTML type', () => {
      const sut = first(
        atom(
          '<link rel="alternate" type="application/atom+xml" href="http://example.org/e.atom"/>' +
            '<link rel="related" href="http://example.org/related"/>' +
            '<link href="http://example.org/first"/>' +
            '<link rel="alternate" type="html" href="http://example.org/last"/>',
        ),
      );

      expect(sut.item.url).toBe('http://example.org/last');
    });

    it('LK4 an atom entry without an alternate link takes its id as the link when the id is an http(s) URL', () => {
      expect(first(atom('<id>http://example.org/2024/post</id><title>t</title>')).item.url).toBe('http://example.org/2024/post');
      expect(first(atom('<id>urn:uuid:1</id><title>t</title>')).item.url).toBe('');
    });

    it('LK5 rdf:item/rdf:link is the link; rdf:about is the id, not the link', () => {
      expect(first(rdf('<link>http://example.org/page</link>')).item.url).toBe('http://example.org/page');
      expect(first(rdf('<title>t</title>')).item.url).toBe('');
    });

    it('LK6 CDF: ITEM HREF is the link, CHANNEL HREF the site, ABSTRACT the summary', () => {
      const sut = read('<CHANNEL HREF="http://cdf.example.org/"><TITLE>c</TITLE><ITEM HREF="http://cdf.example.org/1"><TITLE>i</TITLE><ABSTRACT>about it</ABSTRACT></ITEM></CHANNEL>');

      expect(sut.siteUrl).toBe('http://cdf.example.org/');
      expect(first(sut).item.url).toBe('http://cdf.example.org/1');
      expect(first(sut).summaryHtml).toContain('about it');
    });

    it('FD1 the feed link: rss channel/link, rdf channel/link, atom alternate link', () => {
      expect(rss('', '<link>/home</link>').siteUrl).toBe('http://feeds.example.org/home');
      expect(rdf('', '<link>http://example.org/rdf-home</link>').siteUrl).toBe('http://example.org/rdf-home');
      expect(atom('', '<link rel="self" href="http://example.org/feed"/><link rel="alternate" type="text/html" href="/"/>', ' xml:base="http://a.example.org/x/"').siteUrl).toBe(
        'http://a.example.org/',
      );
    });
  });

  describe('relative link resolution', () => {
    it('BS1 xml:base on the root or channel is the base of the feed link and every item', () => {
      const sut = rss('<link>p/1</link>', '<link>home</link>', ' xml:base="http://base.example.org/root/"');

      expect(sut.siteUrl).toBe('http://base.example.org/root/home');
      expect(first(sut).item.url).toBe('http://base.example.org/root/p/1');
    });

    it('BS2 xml:base on an entry overrides the feed’s; a relative xml:base resolves against the one above it', () => {
      const sut = atom('<link href="3.html"/>', '', ' xml:base="http://example.org/blog/"');
      const nested = read(
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/"><title>f</title><entry xml:base="archives/"><link href="3.html"/></entry></feed>',
      );

      expect(first(sut).item.url).toBe('http://example.org/blog/3.html');
      expect(first(nested).item.url).toBe('http://example.org/blog/archives/3.html');
    });

    it('BS3 xml:base on a content or summary element is the base of the links inside it', () => {
      const sut = first(
        atom(
          '<link href="http://example.org/e/1"/>' +
            '<summary type="html" xml:base="http://s.example.org/sum/">&lt;a href="x"&gt;s&lt;/a&gt;</summary>' +
            '<content type="html" xml:base="http://c.example.org/con/">&lt;a href="y"&gt;c&lt;/a&gt;</content>',
        ),
      );

      expect(sut.summaryHtml).toContain('href="http://s.example.org/sum/x"');
      expect(sut.contentHtml).toContain('href="http://c.example.org/con/y"');
    });

    it('BS7 xml:base on the link, guid or id element itself applies to its value (its attributes and text are in its scope)', () => {
      expect(first(rss('<link xml:base="http://l.example.org/dir/">p/1</link>')).item.url).toBe('http://l.example.org/dir/p/1');
      expect(first(rss('<guid xml:base="http://g.example.org/ids/">7</guid>')).item.guid).toBe('http://g.example.org/ids/7');
      expect(first(atom('<link xml:base="http://a.example.org/x/" href="y"/><id xml:base="http://i.example.org/">z</id>')).item).toMatchObject({
        url: 'http://a.example.org/x/y',
        guid: 'http://i.example.org/z',
      });
      expect(rss('', '<link xml:base="http://site.example.org/">home</link>').siteUrl).toBe('http://site.example.org/home');
    });

    it('BS4 without xml:base the Content-Location header is the document base', () => {
      const sut = read('<rss version="2.0"><channel><title>c</title><item><link>p/1</link></item></channel></rss>', {
        contentLocation: 'http://moved.example.org/feeds/',
      });

      expect(first(sut).item.url).toBe('http://moved.example.org/feeds/p/1');
    });

    it('BS5 without xml:base or Content-Location the document URL is the base', () => {
      expect(first(rss('<link>p/1</link>')).item.url).toBe('http://feeds.example.org/blog/p/1');
    });

    it('BS6 links in item HTML resolve against the content base, not the item link, in every URI attribute kept', () => {
      const sut = first(
        rss(
          '<link>http://elsewhere.example.net/articles/1</link>' +
            '<description>&lt;a href="a"&gt;a&lt;/a&gt;&lt;img src="i.png"&gt;&lt;blockquote cite="q"&gt;b&lt;/blockquote&gt;</description>',
        ),
      );

      expect(sut.summaryHtml).toContain('href="http://feeds.example.org/blog/a"');
      expect(sut.summaryHtml).toContain('src="http://feeds.example.org/blog/i.png"');
      expect(sut.summaryHtml).toContain('cite="http://feeds.example.org/blog/q"');
    });
  });

  describe('titles', () => {
    it('TI1 item title: title or dc:title (rss, rdf), the later element overwriting', () => {
      expect(first(rss('<dc:title>Only DC</dc:title>')).item.title).toBe('Only DC');
      expect(first(rss('<title>First</title><dc:title>Second</dc:title>')).item.title).toBe('Second');
      expect(first(rdf('<dc:title>RDF DC</dc:title>')).item.title).toBe('RDF DC');
    });

    it('TI2 atom title: type="text" (the default) is literal text; html and xhtml are markup', () => {
      expect(first(atom('<title>a &amp;lt;b&amp;gt; c</title>')).item.title).toBe('a &lt;b&gt; c');
      expect(first(atom('<title type="html">a &lt;b&gt;bold&lt;/b&gt;</title>')).item.title).toBe('a bold');
      expect(first(atom('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x <b>y</b></div></title>')).item.title).toBe('x y');
    });

    it('TI3 feed title: rss channel/title or dc:title, atom title, rdf channel/title', () => {
      expect(read('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><dc:title>DC feed</dc:title></channel></rss>').title).toBe('DC feed');
      expect(atom('').title).toBe('f');
      expect(rdf('').title).toBe('c');
    });
  });

  describe('summary and content', () => {
    it('SU1 summary: rss description, dc:description or itunes:summary, rdf description, atom summary', () => {
      expect(first(rss('<itunes:summary>pod</itunes:summary>')).summaryHtml).toContain('pod');
      expect(first(rss('<description>d</description>')).summaryHtml).toContain('d');
      expect(first(rss('<dc:description>dc d</dc:description>')).summaryHtml).toContain('dc d');
      expect(first(rdf('<description>r</description>')).summaryHtml).toContain('r');
      expect(first(atom('<summary>s</summary>')).summaryHtml).toContain('s');
    });

    it('SU2 with two summary elements and no content element, the first is the summary and the second the content', () => {
      const sut = first(rss('<description>short</description><dc:description>the long text</dc:description>'));
      const podcast = first(rss('<itunes:summary>episode</itunes:summary><description>notes</description>'));
      const twoAtom = first(atom('<summary>one</summary><summary type="html">&lt;p&gt;two&lt;/p&gt;</summary>'));

      expect(sut.summaryHtml).toContain('short');
      expect(sut.contentHtml).toContain('the long text');
      expect([podcast.summaryHtml, podcast.contentHtml]).toEqual(['episode', 'notes']);
      expect([twoAtom.summaryHtml, twoAtom.contentHtml]).toEqual(['<p>one</p>', '<p>two</p>']);
    });

    it('CO1 content: content:encoded (rss, rdf), body / xhtml:body, fullitem, atom content', () => {
      expect(first(rss('<content:encoded>&lt;p&gt;full&lt;/p&gt;</content:encoded>')).contentHtml).toBe('<p>full</p>');
      expect(first(rdf('<content:encoded>&lt;p&gt;rdf full&lt;/p&gt;</content:encoded>')).contentHtml).toBe('<p>rdf full</p>');
      expect(first(rss('<body xmlns="http://www.w3.org/1999/xhtml"><p>inline</p></body>')).contentHtml).toBe('<p>inline</p>');
      expect(first(rss('<xhtml:body xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>prefixed</xhtml:p></xhtml:body>')).contentHtml).toBe('<p>prefixed</p>');
      expect(first(rss('<fullitem>&lt;p&gt;fullitem&lt;/p&gt;</fullitem>')).contentHtml).toBe('<p>fullitem</p>');
      expect(first(atom('<content type="html">&lt;p&gt;atom&lt;/p&gt;</content>')).contentHtml).toBe('<p>atom</p>');
    });

    it('CO2 atom xhtml content: the wrapping div is removed, the markup inside kept', () => {
      const sut = first(atom('<content type="xhtml"><xh:div xmlns:xh="http://www.w3.org/1999/xhtml"><xh:p>in <xh:b>line</xh:b></xh:p></xh:div></content>'));

      expect(sut.contentHtml).toBe('<p>in <b>line</b></p>');
    });

    it('CO3 escaped markup (atom type="html", rss) is unescaped once; atom type="text" stays text', () => {
      expect(first(atom('<content type="html">&amp;lt;b&amp;gt;</content>')).contentHtml).toBe('&lt;b&gt;');
      expect(first(atom('<content type="text">&lt;b&gt;not bold&lt;/b&gt;</content>')).contentHtml).toBe('<p>&lt;b&gt;not bold&lt;/b&gt;</p>');
    });

    it('CO4 atom content with src has no inline content (the summary stands for it)', () => {
      const sut = first(atom('<content src="http://example.org/full" type="text/html"/><summary>s</summary>'));

      expect(sut.contentHtml).toBe('');
      expect(sut.item.contentHtml).toContain('s');
    });

    it('CO5 atom 0.3 mode="base64" is decoded and mode="escaped" unescaped', () => {
      const b64 = Buffer.from('<p>decoded</p>').toString('base64');

      expect(first(atom03(`<content type="text/html" mode="base64">${b64}</content>`)).contentHtml).toBe('<p>decoded</p>');
      expect(first(atom03('<content type="text/html" mode="escaped">&lt;p&gt;esc&lt;/p&gt;</content>')).contentHtml).toBe('<p>esc</p>');
    });

    it('CO6 titles, summaries and content are sanitized: no script, event handler or javascript: URL', () => {
      const sut = first(rss('<title>t&lt;script&gt;x()&lt;/script&gt;</title><description>&lt;a href="javascript:x()" onclick="y()"&gt;l&lt;/a&gt;&lt;script&gt;z()&lt;/script&gt;</description>'));

      expect(sut.item.title).toBe('t');
      expect(sut.summaryHtml).not.toMatch(/script|onclick/i);
    });
  });

  describe('feed description', () => {
    it('DE1 rss description, dc:description or itunes:subtitle (the later overwriting); atom subtitle or tagline; rdf description', () => {
      expect(rss('', '<description>d</description><itunes:subtitle>later</itunes:subtitle>').description).toBe('later');
      expect(read('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><dc:description>dc</dc:description></channel></rss>').description).toBe('dc');
      expect(atom('', '<subtitle>sub</subtitle>').description).toBe('sub');
      expect(read('<feed version="0.3" xmlns="http://purl.org/atom/ns#"><tagline>tag</tagline></feed>').description).toBe('tag');
      expect(rdf('', '<description>rd</description>').description).toBe('rd');
    });
  });

  describe('authors', () => {
    it('AU1 atom author name (else its e-mail address); an entry without one takes the feed’s', () => {
      expect(first(atom('<author><name>Ann</name></author>')).item.author).toBe('Ann');
      expect(first(atom('<title>t</title>', '<author><name>Feed Owner</name></author>')).item.author).toBe('Feed Owner');
      expect(first(atom('<author><email>only@example.org</email></author>')).item.author).toBe('only@example.org');
    });

    it('AU2 rss author ("email (Name)"), dc:creator, dc:author, itunes:author', () => {
      expect(first(rss('<author>ann@example.org (Ann Lee)</author>')).item.author).toBe('Ann Lee');
      expect(first(rss('<dc:creator>Bo</dc:creator>')).item.author).toBe('Bo');
      expect(first(rss('<dc:author>Cy</dc:author>')).item.author).toBe('Cy');
      expect(first(rss('<itunes:author>Di</itunes:author>')).item.author).toBe('Di');
      expect(first(rdf('<dc:creator>Ed</dc:creator>')).item.author).toBe('Ed');
    });

    it('AU3 rss and rdf author elements fill one field: the later overwrites', () => {
      expect(first(rss('<author>ann@example.org (Ann Lee)</author><dc:creator>Bo</dc:creator>')).item.author).toBe('Bo');
      expect(first(rss('<dc:creator>Bo</dc:creator><itunes:author>Di</itunes:author>')).item.author).toBe('Di');
      expect(first(rdf('<dc:creator>Ed</dc:creator><dc:author>Flo</dc:author>')).item.author).toBe('Flo');
    });
  });

  describe('dates', () => {
    it('DT1 published: atom published, atom 0.3 issued, rss pubDate, dcterms:issued', () => {
      expect(iso(first(atom('<published>2004-01-01T00:00:00Z</published>')).publishedAt)).toBe('2004-01-01T00:00:00.000Z');
      expect(iso(first(atom03('<issued>2004-01-02T00:00:00Z</issued>')).publishedAt)).toBe('2004-01-02T00:00:00.000Z');
      expect(iso(first(rss('<pubDate>Sat, 03 Jan 2004 00:00:00 GMT</pubDate>')).publishedAt)).toBe('2004-01-03T00:00:00.000Z');
      expect(iso(first(rdf('<dcterms:issued>2004-01-04</dcterms:issued>')).publishedAt)).toBe('2004-01-04T00:00:00.000Z');
    });

    it('DT2 updated: atom updated, atom 0.3 modified, dc:date, dcterms:modified (dc:date is not a published date)', () => {
      expect(iso(first(atom('<updated>2005-01-01T00:00:00Z</updated>')).updatedAt)).toBe('2005-01-01T00:00:00.000Z');
      expect(iso(first(atom03('<modified>2005-01-02T00:00:00Z</modified>')).updatedAt)).toBe('2005-01-02T00:00:00.000Z');
      const dc = first(rss('<dc:date>2005-01-03T00:00:00Z</dc:date>'));
      expect([iso(dc.updatedAt), iso(dc.publishedAt)]).toEqual(['2005-01-03T00:00:00.000Z', null]);
      expect(iso(first(rdf('<dcterms:modified>2005-01-04</dcterms:modified>')).updatedAt)).toBe('2005-01-04T00:00:00.000Z');
    });

    it('DT3 created (atom 0.3 created, dcterms:created) is shown when there is no published or updated date', () => {
      expect(shownIso(atom03('<created>2006-01-01T00:00:00Z</created><title>t</title>'))).toBe('2006-01-01T00:00:00.000Z');
      expect(shownIso(rss('<dcterms:created>2006-01-02</dcterms:created><title>t</title>'))).toBe('2006-01-02T00:00:00.000Z');
    });

    it('DT4 a later date element overwrites an earlier one of the same field', () => {
      const sut = first(atom('<updated>2010-12-01T00:00:00Z</updated><updated>2003-12-31T00:00:00Z</updated>'));
      const rssDates = first(rss('<dcterms:modified>2001-01-01T00:00:00Z</dcterms:modified><dc:date>2002-02-02T00:00:00Z</dc:date>'));

      expect(iso(sut.updatedAt)).toBe('2003-12-31T00:00:00.000Z');
      expect(iso(rssDates.updatedAt)).toBe('2002-02-02T00:00:00.000Z');
    });

    it('DT5 an entry without an updated date has its published date as updated', () => {
      expect(iso(first(rss('<pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate>')).updatedAt)).toBe('2004-01-01T19:48:21.000Z');
    });

    it('DT6 every recognised date format (the table is spec’d row by row in feed-date.spec.ts)', () => {
      expect(iso(first(rss('<pubDate>Sun Jan  4 16:29:06 PST 2004</pubDate>')).publishedAt)).toBe('2004-01-05T00:29:06.000Z');
      expect(iso(first(rss('<pubDate>2003-335</pubDate>')).publishedAt)).toBe('2003-12-01T00:00:00.000Z');
    });

    it('DT7 CDF: an ITEM LASTMOD attribute is its updated date', () => {
      const sut = read('<CHANNEL HREF="http://cdf.example.org/"><ITEM HREF="http://cdf.example.org/1" LASTMOD="2004-01-02T03:04:05Z"><TITLE>i</TITLE></ITEM></CHANNEL>');

      expect(iso(first(sut).updatedAt)).toBe('2004-01-02T03:04:05.000Z');
    });
  });

  describe('namespaces', () => {
    it('NS1 namespaced elements are recognised by namespace URI, whatever the prefix', () => {
      const sut = read(
        '<rss version="2.0" xmlns:foo="http://purl.org/dc/elements/1.1/" xmlns:bar="http://purl.org/rss/1.0/modules/content/"><channel><title>c</title><item><foo:creator>Fay</foo:creator><bar:encoded>&lt;p&gt;x&lt;/p&gt;</bar:encoded></item></channel></rss>',
      );

      expect(first(sut).item.author).toBe('Fay');
      expect(first(sut).contentHtml).toBe('<p>x</p>');
    });

    it('NS5 an extension element put in its namespace by a default xmlns is recognised (and its children with it)', () => {
      const sut = read(
        '<rss version="2.0"><channel><title>c</title><item><creator xmlns="http://purl.org/dc/elements/1.1/">Hal</creator>' +
          '<encoded xmlns="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;y&lt;/p&gt;</encoded><title>t</title></item></channel></rss>',
      );

      expect(first(sut).item).toMatchObject({ author: 'Hal', title: 't' });
      expect(first(sut).contentHtml).toBe('<p>y</p>');
    });

    it('NS2 namespace URIs match case-insensitively (as iTunes wrote them)', () => {
      const sut = read('<rss version="2.0" xmlns:it="http://www.itunes.com/DTDs/PodCast-1.0.dtd"><channel><title>c</title><item><it:author>Gus</it:author></item></channel></rss>');

      expect(first(sut).item.author).toBe('Gus');
    });

    it('NS3 RSS whose elements carry a prefix bound to an RSS namespace reads as RSS', () => {
      const sut = read('<r:rss xmlns:r="http://backend.userland.com/rss2"><r:channel><r:title>c</r:title><r:item><r:title>i</r:title></r:item></r:channel></r:rss>');

      expect(first(sut).item.title).toBe('i');
    });

    it('NS4 Atom elements with a prefix for the Atom namespace read as Atom', () => {
      const sut = read('<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>f</a:title><a:entry><a:title>e</a:title></a:entry></a:feed>');

      expect(first(sut).item.title).toBe('e');
    });
  });

  describe('character encoding (spec’d per encoding in charset-encodings.spec.ts and charset.spec.ts)', () => {
    it('EN1 a byte order mark names the encoding, whatever the header and declaration say', () => {
      const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss><channel><title>Ω</title></channel></rss>', 'utf16le')]);

      expect(readFeed({ body, contentType: 'text/xml; charset=iso-8859-1', url: DOC })).toMatchObject({ encoding: 'utf-16le', title: 'Ω' });
    });

    it('EN2 application/*xml: charset, else the XML declaration, else UTF-8', () => {
      const latin = Buffer.from('<?xml version="1.0" encoding="iso-8859-5"?><rss><channel><title>\xbd</title></channel></rss>', 'latin1');

      expect(readFeed({ body: latin, contentType: 'application/rss+xml', url: DOC })).toMatchObject({ encoding: 'iso-8859-5', title: 'Н' });
      expect(readFeed({ body: latin, contentType: 'application/rss+xml; charset=koi8-r', url: DOC })).toMatchObject({ encoding: 'koi8-r', title: '╫' });
    });

    it('EN3 text/*xml: charset, else US-ASCII; the declaration counts only when the bytes are not ASCII', () => {
      const ascii = Buffer.from('<?xml version="1.0" encoding="utf-16"?><rss><channel><title>plain</title></channel></rss>');

      expect(readFeed({ body: ascii, contentType: 'text/xml', url: DOC })).toMatchObject({ encoding: 'windows-1252', title: 'plain' });
    });

    it('EN4 bytes that disprove the chosen encoding are re-read: declaration, appendix-F sniff, detection, UTF-8, windows-1252', () => {
      const cp1252 = Buffer.from('<rss><channel><title>caf\xe9 cr\xe8me br\xfbl\xe9e</title></channel></rss>', 'latin1');

      expect(readFeed({ body: cp1252, contentType: 'application/xml; charset=utf-8', url: DOC })).toMatchObject({ encoding: 'windows-1252', title: 'café crème brûlée' });
    });
  });
});
