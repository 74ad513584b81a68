import { htmlToPlainText, MAX_CONTENT_NESTING, plainTextToHtml, sanitizeContent, titleText } from './html-content';

const BASE = 'https://blog.example.org/posts/one';

describe(sanitizeContent.name, () => {
  it('removes scripts and styles with their content', () => {
    const sut = sanitizeContent('<p>ok</p><script>alert("x")</script><style>p{color:red}</style>', BASE);

    expect(sut).toBe('<p>ok</p>');
  });

  it('removes event handlers', () => {
    const sut = sanitizeContent('<p onclick="steal()">a</p><img src="/i.png" onerror="alert(1)" onload="x()">', BASE);

    expect(sut).toBe('<p>a</p><img src="https://blog.example.org/i.png" />');
  });

  it.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', '&#106;avascript:alert(1)', 'vbscript:x', 'data:text/html,<script>x</script>'])(
    'drops the dangerous link %p',
    (href) => {
      const sut = sanitizeContent(`<a href="${href}">x</a>`, BASE);

      expect(sut).toBe('<a rel="noopener noreferrer">x</a>');
    },
  );

  it('removes frames, objects, forms and inline styles', () => {
    const sut = sanitizeContent(
      '<iframe src="https://e.example"></iframe><object data="x"></object><form><input name="a"></form><p style="position:fixed">t</p>',
      BASE,
    );

    expect(sut).toBe('<p>t</p>');
  });

  it('makes links absolute, adds rel="noopener noreferrer" and drops target', () => {
    const sut = sanitizeContent('<a href="../about" target="_blank" rel="opener">about</a> <a href="mailto:me@example.org">mail</a>', BASE);

    expect(sut).toBe(
      '<a href="https://blog.example.org/about" rel="noopener noreferrer">about</a> <a href="mailto:me@example.org" rel="noopener noreferrer">mail</a>',
    );
  });

  it('drops images without a safe source', () => {
    expect(sanitizeContent('<p><img src="data:image/png;base64,AAAA"><img></p>', BASE)).toBe('<p></p>');
  });

  it('keeps ordinary formatting', () => {
    const html = '<h2>Title</h2><p>Some <strong>bold</strong> and <em>em</em>.</p><ul><li>one</li></ul><blockquote>q</blockquote>';

    expect(sanitizeContent(html, BASE)).toBe(html);
  });
});

describe('deeply nested hostile markup', () => {
  it('keeps the text and at most MAX_CONTENT_NESTING levels of tags, so the text converter cannot overflow', () => {
    const depth = 20_000;
    const html = `${'<div>'.repeat(depth)}<p>deep text</p>${'</div>'.repeat(depth)}`;

    const clean = sanitizeContent(html, 'https://example.org/');

    expect((clean.match(/<div>/g) ?? []).length).toBeLessThanOrEqual(MAX_CONTENT_NESTING);
    expect(htmlToPlainText(clean)).toBe('deep text');
  });
});

describe(htmlToPlainText.name, () => {
  it('keeps text, not link URLs, without wrapping', () => {
    const long = 'word '.repeat(40).trim();
    const sut = htmlToPlainText(`<h1>Heading</h1><p>See <a href="https://e.example/x">this page</a>. ${long}</p>`);

    expect(sut).toBe(`Heading\n\nSee this page. ${long}`);
  });

  it('decodes entities and drops images', () => {
    expect(htmlToPlainText('<p>A &amp; B &lt;tag&gt; <img src="x.png" alt="pic">&nbsp;end</p>')).toBe('A & B <tag> end');
  });

  it('returns an empty string for empty input', () => {
    expect(htmlToPlainText('  ')).toBe('');
  });
});

describe(titleText.name, () => {
  it.each([
    ['A &amp; B <b>bold</b>', true, 'A & B bold'],
    ['  spaced\n  out  ', true, 'spaced out'],
    ['AT&T', true, 'AT&T'],
    ['1 < 2 &amp; 3 > 2', false, '1 < 2 & 3 > 2'],
    ['<b>literal</b>', false, '<b>literal</b>'],
    ['人工智能 &quot;新闻&quot;', false, '人工智能 "新闻"'],
  ])('%p (html: %p) → %p', (raw, isHtml, expected) => {
    expect(titleText(raw, isHtml)).toBe(expected);
  });
});

describe(plainTextToHtml.name, () => {
  it('escapes and splits paragraphs', () => {
    expect(plainTextToHtml('a < b\nnext\n\nsecond & last')).toBe('<p>a &lt; b<br />next</p>\n<p>second &amp; last</p>');
  });
});
