import { prepareFeedSource, repairC1Characters } from './feed-source';

describe(repairC1Characters.name, () => {
  it('reads numeric references and raw characters of 0x80–0x9F as windows-1252', () => {
    expect(repairC1Characters('don&#146;t &#x93;q&#x94; \u0080')).toBe('don&#8217;t &#8220;q&#8221; €');
  });

  it('leaves other references, and the five C1 positions windows-1252 leaves undefined, alone', () => {
    expect(repairC1Characters('&#233; &#160; &#129; &amp;#146;')).toBe('&#233; &#160; &#129; &amp;#146;');
  });
});

describe(prepareFeedSource.name, () => {
  it('drops a DOCTYPE in the prolog, with its internal subset', () => {
    const sut = prepareFeedSource('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss/>');

    expect(sut).toBe('<?xml version="1.0"?><rss/>');
  });

  it('keeps "<!DOCTYPE" that is text inside the document', () => {
    const doc = '<rss><channel><item><description><![CDATA[ <!DOCTYPE ]]></description></item></channel></rss>';

    expect(prepareFeedSource(doc)).toBe(doc);
  });

  it('decodes Atom 0.3 base64 content into escaped text', () => {
    const doc = `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="base64">${Buffer.from('A <b>B</b>').toString('base64')}</title></feed>`;

    expect(prepareFeedSource(doc)).toContain('<title mode="escaped">A &lt;b&gt;B&lt;/b&gt;</title>');
  });

  it('keeps the div of Atom 0.3 inline XHTML, which is part of the content', () => {
    const doc =
      '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><content type="application/xhtml+xml" mode="xml">' +
      '<div xmlns="http://www.w3.org/1999/xhtml">x</div></content></entry></feed>';

    expect(prepareFeedSource(doc)).toContain(
      '<div xmlns="http://www.w3.org/1999/xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></div>',
    );
  });

  it('does not touch Atom 1.0', () => {
    const doc = '<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></title></feed>';

    expect(prepareFeedSource(doc)).toBe(doc);
  });

  it('reads RSS elements written with a prefix bound to an RSS namespace', () => {
    const doc = '<r:rss xmlns:r="http://backend.userland.com/rss2"><r:channel><r:title>t</r:title></r:channel></r:rss>';

    expect(prepareFeedSource(doc)).toBe('<rss xmlns:r="http://backend.userland.com/rss2"><channel><title>t</title></channel></rss>');
  });

  it('leaves a prefix bound to another namespace', () => {
    const doc = '<x:rss xmlns:x="http://example.com/not-rss"><x:channel/></x:rss>';

    expect(prepareFeedSource(doc)).toBe(doc);
  });

  it('gives items written directly under <rss> a channel', () => {
    expect(prepareFeedSource('<rss><item><title>a</title></item></rss>')).toBe('<rss><channel><item><title>a</title></item></channel></rss>');
  });

  it('reads <body>, <xhtml:body>, <fullitem> and <dc:author> as content:encoded and dc:creator', () => {
    const doc =
      '<rss><channel><item><xhtml:body xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>hi</xhtml:p></xhtml:body>' +
      '<dc:author>Ann</dc:author></item><item><fullitem>&lt;p&gt;x&lt;/p&gt;</fullitem></item></channel></rss>';

    const sut = prepareFeedSource(doc);

    expect(sut).toContain('<content:encoded><![CDATA[<p>hi</p>]]></content:encoded>');
    expect(sut).toContain('<dc:creator>Ann</dc:creator>');
    expect(sut).toContain('<content:encoded>&lt;p&gt;x&lt;/p&gt;</content:encoded>');
  });
});
