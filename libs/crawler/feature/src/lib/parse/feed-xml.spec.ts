import { child, childText, fieldText, parseXmlTree, type XmlElement } from './feed-xml';

function tree(source: string): XmlElement {
  const parsed = parseXmlTree(source);
  if (!parsed) throw new Error('no tree');
  return parsed.root;
}

const names = (element: XmlElement | undefined) => element?.children.map((c) => c.name);

describe(parseXmlTree.name, () => {
  it('names elements by the usual prefix of their namespace, whatever prefix the document uses', () => {
    const root = tree(
      '<rss xmlns:a10="http://www.w3.org/2005/Atom" xmlns:DC="https://purl.org/dc/elements/1.1" xmlns:x="urn:unknown">' +
        '<channel><a10:link href="h"/><DC:Creator>c</DC:Creator><x:thing>t</x:thing><foo:bar>b</foo:bar></channel></rss>',
    );

    expect(names(child(root, 'channel'))).toEqual(['atom:link', 'dc:creator', 'x:thing', 'foo:bar']);
  });

  it("drops the format's own prefix: atom in Atom, rdf and rss in RDF", () => {
    const atom = parseXmlTree('<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry><a:title>t</a:title></a:entry></a:feed>');
    const rdf = parseXmlTree(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r="http://purl.org/rss/1.0/"><r:item rdf:about="u"/></rdf:RDF>',
    );

    expect(atom?.format).toBe('atom');
    expect(atom?.root.name).toBe('feed');
    expect(names(child(atom?.root, 'entry'))).toEqual(['title']);
    expect(rdf?.format).toBe('rdf');
    expect(names(rdf?.root)).toEqual(['item']);
    expect(rdf?.root.children[0]?.attributes['rdf:about']).toBe('u');
  });

  it('keeps the content of a field as written: markup, CDATA, comments and entities', () => {
    const item = child(child(tree('<rss><channel><item><description> <p>a &amp; <b>b</b></p><![CDATA[<i>c</i>]]><!-- d --> </description></item></channel></rss>'), 'channel'), 'item');

    expect(child(item, 'description')?.inner).toBe(' <p>a &amp; <b>b</b></p><![CDATA[<i>c</i>]]><!-- d --> ');
    expect(childText(item, 'description')).toBe('<p>a & <b>b</b></p><i>c</i>');
  });

  it('ends a field only at its own end tag: stray end tags of outer elements inside it are content', () => {
    const channel = child(tree('<rss><channel><item><description><p>x</item></p></description><link>l</link></item></channel></rss>'), 'channel');

    expect(names(channel)).toEqual(['item']);
    expect(childText(child(channel, 'item'), 'description')).toBe('<p>x</item></p>');
    expect(childText(child(channel, 'item'), 'link')).toBe('l');
  });

  it('counts nested elements of the same name inside a field', () => {
    const entry = child(tree('<feed><entry><content type="xhtml"><div><div>in</div></div></content><id>1</id></entry></feed>'), 'entry');

    expect(child(entry, 'content')?.inner).toBe('<div><div>in</div></div>');
    expect(childText(entry, 'id')).toBe('1');
  });

  it('reads the end tag of a CDATA section inside a field as text', () => {
    const item = child(child(tree('<rss><channel><item><title><![CDATA[a </title> b]]></title></item></channel></rss>'), 'channel'), 'item');

    expect(childText(item, 'title')).toBe('a </title> b');
  });

  it('closes elements left open by an end tag of an outer element, and ignores end tags of nothing open', () => {
    const channel = child(tree('<rss><channel><item><media:group></item></bogus><item><title>2</title></item></channel></rss>'), 'channel');

    expect(names(channel)).toEqual(['item', 'item']);
    expect(childText(channel?.children[1], 'title')).toBe('2');
  });

  it('closes an element left open (no "/>") at the end tag of its parent, or at the next item', () => {
    const channel = child(
      tree('<rss><channel><item><title>1</title><enclosure url="u"></item><item><guid>2<item><title>3</title></item></channel></rss>'),
      'channel',
    );

    expect(names(channel)).toEqual(['item', 'item', 'item']);
    expect(names(channel?.children[0])).toEqual(['title', 'enclosure']);
    expect(childText(channel?.children[1], 'guid')).toBe('2');
    expect(childText(channel?.children[2], 'title')).toBe('3');
  });

  it('reads the rest of the document as the content of a text field never closed', () => {
    const channel = child(tree('<rss><channel><item><description>1<p></item><item><title>2</title></item></channel></rss>'), 'channel');

    expect(names(channel)).toEqual(['item']);
    expect(childText(channel?.children[0], 'description')).toBe('1<p></item><item><title>2</title></item></channel></rss>');
  });

  it('leaves a stray "<" out of tag names', () => {
    const root = tree('<rss><channel><title>T</title><<item><title>1</title></item<><ite<m><title>2</title></item></channel<></rss>');

    expect(names(child(root, 'channel'))).toEqual(['title', 'item', 'item']);
    expect(childText(child(root, 'channel')?.children[2], 'title')).toBe('2');
  });

  it('reads a truncated document as far as it goes', () => {
    const item = child(child(tree('<rss><channel><title>T</title><item><title>x</title><description>cut'), 'channel'), 'item');

    expect(childText(item, 'description')).toBe('cut');
  });

  it('gives up on markup whose field end the tokenizer cannot see (an unescaped "<" swallowed it)', () => {
    expect(parseXmlTree('<rss><channel><item><title>a<b</title><link>l</link></item></channel></rss>')).toBeNull();
  });

  it('reads only the first root element, and nothing when there is none', () => {
    expect(childText(child(tree('<rss><channel><title>1</title></channel></rss><rss><channel><title>2</title></channel></rss>'), 'channel'), 'title')).toBe('1');
    expect(parseXmlTree('just text')).toBeNull();
    expect(parseXmlTree('<?xml version="1.0"?><!-- only a comment -->')).toBeNull();
  });

  it('keeps attribute values as written, lower-cases names and keeps the first of repeated attributes', () => {
    const link = child(tree('<feed><link HREF="/a?b=1&amp;c=2" rel="self" rel="hub"/></feed>'), 'link');

    expect({ ...link?.attributes }).toEqual({ href: '/a?b=1&amp;c=2', rel: 'self' });
    expect(link?.inner).toBe('');
  });

  it('takes attribute names and namespace URIs that are names of object members as plain text', () => {
    const root = tree('<rss xmlns:x="constructor" xmlns:y="__proto__"><channel __proto__="p" constructor="c" toString="t"><x:a>1</x:a><y:b>2</y:b></channel></rss>');
    const channel = child(root, 'channel');

    expect(names(channel)).toEqual(['x:a', 'y:b']);
    expect(channel?.attributes['__proto__']).toBe('p');
    expect(channel?.attributes['constructor']).toBe('c');
    expect(channel?.attributes['tostring']).toBe('t');
  });
});

describe(fieldText.name, () => {
  it.each([
    ['  a &amp; b &eacute; &#8217; ', 'a & b é ’'],
    ['a & b', 'a & b'],
    ['<![CDATA[&amp;]]> &amp;', '&amp; &'],
    ['x<!-- hidden -->y', 'xy'],
    ['x<!-- unterminated', 'x<!-- unterminated'],
    ['<![CDATA[unterminated &amp;', '<![CDATA[unterminated &'],
  ])('reads %j as %j', (raw, expected) => {
    expect(fieldText(raw)).toBe(expected);
  });

  it('is undefined for nothing or whitespace only', () => {
    expect(fieldText('')).toBeUndefined();
    expect(fieldText(' \n <!-- c --> ')).toBeUndefined();
    expect(fieldText(undefined)).toBeUndefined();
  });
});
