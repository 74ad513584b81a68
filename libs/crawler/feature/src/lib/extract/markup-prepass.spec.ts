import { decodeEntities, parseAttributes, prepareMarkup } from './markup-prepass';

describe(prepareMarkup.name, () => {
  it('removes scripts, styles, comments and svg, and keeps body text', () => {
    const sut = prepareMarkup('<html><head><title>T</title></head><body class="b"><script>x("</p>")</script><!-- c --><style>p{}</style><svg><text>s</text></svg><p>kept</p></body></html>');
    expect(sut.body).toBe('<body class="b"><p>kept</p></body></html>');
  });

  it('harvests title, meta, link, lang and JSON-LD', () => {
    const sut = prepareMarkup(
      '<html lang="zh-CN"><head><title>A &amp; B</title><meta property="og:url" content="/x?a=1&amp;b=2"><link rel="canonical" href="/c">' +
        '<script type="application/ld+json">{"headline":"H"}</script></head><body></body></html>',
    );
    expect(sut.head.title).toBe('A & B');
    expect(sut.head.meta.get('og:url')).toBe('/x?a=1&b=2');
    expect(sut.head.links.get('canonical')).toBe('/c');
    expect(sut.head.lang).toBe('zh-CN');
    expect(sut.head.jsonLd).toEqual(['{"headline":"H"}']);
  });

  it('wraps markup without a body element', () => {
    expect(prepareMarkup('<p>a</p>').body).toBe('<body><p>a</p></body>');
  });

  it('ends the document at an unterminated script or comment, as a browser does', () => {
    expect(prepareMarkup('<body><p>a</p><script>never closed <p>b</p>').body).toBe('<body><p>a</p>');
    expect(prepareMarkup('<body><p>a</p><!-- never closed <p>b</p>').body).toBe('<body><p>a</p>');
  });
});

describe(decodeEntities.name, () => {
  it('decodes named, legacy and numeric references, keeps unknown ones and a "<", and replaces invalid code points', () => {
    expect(decodeEntities('&lt;b&gt; &#20013;&#x6587; Caf&eacute; &hearts; &copy 2024 &bogus; &#xD800; a<b &amp; c')).toBe('<b> 中文 Café ♥ © 2024 &bogus; \ufffd a<b & c');
  });

  it('returns text without references as it is', () => {
    expect(decodeEntities('plain <b> text')).toBe('plain <b> text');
  });
});

describe(parseAttributes.name, () => {
  it('lower-cases names, decodes values, keeps the first of a repeated name and a legacy name before "="', () => {
    const sut = parseAttributes(' Property="og:title" CONTENT=\'A &amp; B &eacute;\' content="second" data-u=/x?a=1&copy=2 hidden /');
    expect(sut.get('property')).toBe('og:title');
    expect(sut.get('content')).toBe('A & B é');
    expect(sut.get('data-u')).toBe('/x?a=1&copy=2');
    expect(sut.get('hidden')).toBe('');
    expect(sut.size).toBe(4);
  });

  it('drops an attribute whose quoted value never ends', () => {
    const sut = parseAttributes(' name="a" content="never closed');
    expect(sut.get('name')).toBe('a');
    expect(sut.has('content')).toBe(false);
  });
});
