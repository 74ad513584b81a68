import { canonicalUrl, declaredCanonicalUrl, resolveHttpUrl } from './canonical-url';

describe(canonicalUrl.name, () => {
  it.each([
    ['https://Example.COM/Path?a=1#section', 'https://example.com/Path?a=1'],
    ['https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x&id=7', 'https://example.com/a?id=7'],
    ['https://example.com/a?fbclid=1&gclid=2&spm=3&mc_cid=4&mc_eid=5', 'https://example.com/a'],
    ['https://example.com/a?UTM_Source=x&page=2', 'https://example.com/a?page=2'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com/a?q=caf%C3%A9&x=%20y', 'https://example.com/a?q=caf%C3%A9&x=%20y'],
    ['https://example.com/a?spmx=1', 'https://example.com/a?spmx=1'],
    ['https://例子.测试/新闻', 'https://xn--fsqu00a.xn--0zwm56d/%E6%96%B0%E9%97%BB'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('keeps parameters that are not tracking ones, in order', () => {
    expect(canonicalUrl('https://e.example/?b=2&utm_term=z&a=1')).toBe('https://e.example/?b=2&a=1');
  });
});

describe(resolveHttpUrl.name, () => {
  const base = 'https://blog.example.org/feeds/main.xml';

  it.each([
    ['/posts/1', 'https://blog.example.org/posts/1'],
    ['posts/1', 'https://blog.example.org/feeds/posts/1'],
    ['../posts/1', 'https://blog.example.org/posts/1'],
    ['//cdn.example.org/x', 'https://cdn.example.org/x'],
    ['  https://other.example/a  ', 'https://other.example/a'],
  ])('resolves %p', (raw, expected) => {
    expect(resolveHttpUrl(raw, base)).toBe(expected);
  });

  it.each(['javascript:alert(1)', 'mailto:a@b.c', 'data:text/html,x', '', undefined, 'http://[bad'])('refuses %p', (raw) => {
    expect(resolveHttpUrl(raw, base)).toBeNull();
  });
});

describe(declaredCanonicalUrl.name, () => {
  const page = 'https://www.example.org/news/story?utm_source=feed';

  it.each([
    ['an absolute URL on the same site', 'https://example.org/news/story-canonical?utm_medium=x#top', 'https://example.org/news/story-canonical'],
    ['a relative URL', '/news/story', 'https://www.example.org/news/story'],
    ['the same host with www', 'https://www.example.org/a', 'https://www.example.org/a'],
  ])('keeps %s, in canonical form', (_case, declared, expected) => {
    expect(declaredCanonicalUrl(declared, page)).toBe(expected);
  });

  it.each([
    ['another site', 'https://evil.example.com/news/story'],
    ['a subdomain of another owner', 'https://example.org.evil.com/x'],
    ['a non-http URL', 'javascript:alert(1)'],
    ['nothing', null],
    ['garbage', 'http://'],
  ])('refuses %s', (_case, declared) => {
    expect(declaredCanonicalUrl(declared, page)).toBeNull();
  });
});
