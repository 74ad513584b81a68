import { LightElement, parseLightDom, type LightNode } from './light-dom';

/** The tree as compact markup: elements as <name>…</name>, text as is. */
function show(node: LightNode): string {
  if (!(node instanceof LightElement)) return node.data;
  let inner = '';
  for (let child = node.firstChild; child; child = child.nextSibling) inner += show(child);
  return `<${node.localName}>${inner}</${node.localName}>`;
}

const body = (markup: string) => show(parseLightDom(markup, 'root')).replace(/^<root>|<\/root>$/g, '');

describe(parseLightDom.name, () => {
  it('nests elements and keeps text in order', () => {
    expect(body('<div><p>One <b>two</b> three</p></div>')).toBe('<div><p>One <b>two</b> three</p></div>');
  });

  it('closes the open paragraph, list item and cell that an opening tag implies', () => {
    expect(body('<p>a<p>b<div>c</div>')).toBe('<p>a</p><p>b</p><div>c</div>');
    expect(body('<ul><li>a<li>b</ul>')).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(body('<table><tr><td>a<td>b<tr><td>c</table>')).toBe('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>');
  });

  it('does not nest void elements and lower-cases names', () => {
    expect(body('<P>a<BR>b<img src=x>c</P>')).toBe('<p>a<br></br>b<img></img>c</p>');
  });

  it('closes up to the matching open element and ignores an end tag with none open', () => {
    expect(body('<div><span>a<i>b</div>c')).toBe('<div><span>a<i>b</i></span></div>c');
    expect(body('<div>a</span></table>b</div>')).toBe('<div>ab</div>');
    expect(body('<p>a</br>b</p></img>')).toBe('<p>a<br></br>b</p>');
  });

  it('skips comments, doctypes and processing instructions, and keeps a stray "<" as text', () => {
    expect(body('<!DOCTYPE html><!-- c --><?xml x?>a < b <3')).toBe('a < b <3');
  });

  it('reads a ">" inside a quoted attribute as part of the value', () => {
    const root = parseLightDom('<a title="x > y" href=\'/p?a=1&amp;b=2\' class=lead>t</a>', 'root');
    const link = root.firstChild as LightElement;
    expect(link.getAttribute('title')).toBe('x > y');
    expect(link.getAttribute('href')).toBe('/p?a=1&b=2');
    expect(link.getAttribute('class')).toBe('lead');
    expect(link.getAttribute('id')).toBeNull();
    expect(link.getAttribute('CLASS')).toBeNull();
    expect(show(link)).toBe('<a>t</a>');
  });

  it('reads attribute names case-insensitively, keeps the first of a repeated name and gives a bare one an empty value', () => {
    const el = parseLightDom('<div CLASS="a" class="b" hidden data-x=1/>t</div>', 'root').firstChild as LightElement;
    expect(el.getAttribute('class')).toBe('a');
    expect(el.getAttribute('hidden')).toBe('');
    expect(el.getAttribute('data-x')).toBe('1/');
    expect(show(el)).toBe('<div>t</div>');
  });

  it('keeps a non-void element open after "/>", as HTML does', () => {
    expect(body('<div/><span/>a')).toBe('<div><span>a</span></div>');
  });

  it('drops an unterminated tag and what follows it, as a browser does', () => {
    expect(body('<p>kept</p><div class="never closed')).toBe('<p>kept</p>');
    expect(body('<p>kept</p><div class=x')).toBe('<p>kept</p>');
    expect(body('<p>kept</p><div')).toBe('<p>kept</p>');
    expect(body('<p>kept</p></div')).toBe('<p>kept</p>');
  });

  it('links parents and siblings', () => {
    const root = parseLightDom('<div><p>a</p><p>b</p></div>', 'root');
    const div = root.firstChild as LightElement;
    const second = (div.firstChild as LightElement).nextSibling as LightElement;
    expect(second.parentNode).toBe(div);
    expect(div.parentNode).toBe(root);
    expect(second.nextSibling).toBeNull();
  });

  it('stays linear on deep nesting and on many end tags without an open element', () => {
    const started = Date.now();
    parseLightDom('<div>'.repeat(100_000) + '</span>'.repeat(100_000) + '</div>'.repeat(100_000));
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('character references', () => {
  const text = (markup: string) => (parseLightDom(markup, 'root').firstChild as LightNode & { data: string }).data;

  it('decodes named, decimal and hexadecimal references in text into one text node', () => {
    expect(text('caf&eacute; &amp; S&atilde;o &ldquo;x&rdquo; &#8212; &#x4e2d;&nbsp;&hearts;&Zopf;')).toBe('café & São “x” — 中\u00a0♥ℤ');
    expect(parseLightDom('a&amp;b', 'root').firstChild?.nextSibling).toBeNull();
  });

  it('decodes legacy names without ";", keeps unknown ones and replaces invalid code points', () => {
    expect(text('&zzz; &Eacute &copy 2024 &#0; &#xD800; &#x110000; & x')).toBe('&zzz; É © 2024 \ufffd \ufffd \ufffd & x');
  });

  it('decodes attribute values but leaves a legacy name followed by "=" as written', () => {
    const link = parseLightDom('<a href="/p?a=1&amp;b=2&copy=3" title="&lt;&eacute;&gt;">t</a>', 'root').firstChild as LightElement;
    expect(link.getAttribute('href')).toBe('/p?a=1&b=2&copy=3');
    expect(link.getAttribute('title')).toBe('<é>');
  });
});
