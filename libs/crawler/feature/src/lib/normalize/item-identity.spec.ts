import { createHash } from 'node:crypto';
import { contentHash, identityUrl, itemKey } from './item-identity';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe(itemKey.name, () => {
  it('uses the GUID first', () => {
    expect(itemKey({ guid: 'tag:x,2024:1', canonicalUrl: 'https://e.example/1', title: 't', text: 'x' })).toBe(
      `g:${sha('tag:x,2024:1')}`,
    );
  });

  it('uses the canonical URL without a GUID', () => {
    expect(itemKey({ guid: '', canonicalUrl: 'https://e.example/1', title: 't', text: 'x' })).toBe(`u:${sha('https://e.example/1')}`);
  });

  it('uses the content without GUID or URL', () => {
    expect(itemKey({ guid: '', canonicalUrl: '', title: 'Title', text: 'Body' })).toBe(`h:${sha('TitleBody')}`);
  });

  it('gives the same key to the same GUID whatever else changed', () => {
    const a = itemKey({ guid: 'id-1', canonicalUrl: 'https://e.example/a', title: 'Old', text: 'old' });
    const b = itemKey({ guid: 'id-1', canonicalUrl: 'https://e.example/b', title: 'New', text: 'new' });

    expect(a).toBe(b);
  });
});

describe(contentHash.name, () => {
  it('hashes title, text and URL separated by newlines', () => {
    expect(contentHash('T', 'body', 'https://e.example/1')).toBe(sha('T\nbody\nhttps://e.example/1'));
  });

  it('changes when any part changes', () => {
    const base = contentHash('T', 'body', 'u');

    expect(contentHash('T2', 'body', 'u')).not.toBe(base);
    expect(contentHash('T', 'body2', 'u')).not.toBe(base);
    expect(contentHash('T', 'body', 'u2')).not.toBe(base);
  });
});

describe(identityUrl.name, () => {
  it.each([
    ['https://example.org/news/story/', 'https://example.org/news/story'],
    ['https://example.org/news/story//?page=2', 'https://example.org/news/story?page=2'],
    ['https://example.org/', 'https://example.org/'],
    ['https://example.org/news/story', 'https://example.org/news/story'],
    ['https://example.org/a?next=/b/', 'https://example.org/a?next=/b/'],
  ])('%s → %s', (url, expected) => {
    expect(identityUrl(url)).toBe(expected);
  });

  it('gives a link with and without its trailing slash the same key', () => {
    const item = { guid: '', title: 't', text: 'x' };
    expect(itemKey({ ...item, canonicalUrl: 'https://example.org/news/story/' })).toBe(itemKey({ ...item, canonicalUrl: 'https://example.org/news/story' }));
  });
});
