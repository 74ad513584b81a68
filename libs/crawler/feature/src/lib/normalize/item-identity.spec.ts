import { createHash } from 'node:crypto';
import { contentHash, itemKey } from './item-identity';

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
