import type { storage } from '@autoglm/contracts';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { contentHashOf, validateFeedItems } from './feed-item';

function feedItem(overrides: Partial<storage.FeedItem> = {}): storage.FeedItem {
  return {
    itemKey: 'guid:1',
    guid: '1',
    url: 'https://example.org/a',
    title: 'A title',
    author: '',
    publishedAt: { seconds: '1764000000', nanos: 0 },
    contentHtml: '<p>body</p>',
    text: 'body',
    contentHash: 'h1',
    ...overrides,
  };
}

function rejection(items: storage.FeedItem[]): DomainError {
  try {
    validateFeedItems(items);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('accepted');
}

describe(validateFeedItems.name, () => {
  it('keeps the given content hash and converts the timestamp', () => {
    const [sut] = validateFeedItems([feedItem()]);

    expect(sut.contentHash).toBe('h1');
    expect(sut.publishedAt?.toISOString()).toBe('2025-11-24T16:00:00.000Z');
  });

  it('treats an unset publication time as unknown', () => {
    const [sut] = validateFeedItems([feedItem({ publishedAt: undefined })]);

    expect(sut.publishedAt).toBeNull();
  });

  it('computes a content hash when none was sent, sensitive to the text', () => {
    const [a, b, c] = validateFeedItems([
      feedItem({ contentHash: '' }),
      feedItem({ contentHash: '' }),
      feedItem({ contentHash: '', text: 'other body' }),
    ]);

    expect(a.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.contentHash).toBe(b.contentHash);
    expect(c.contentHash).not.toBe(a.contentHash);
  });

  it('accepts an item with a text but no title', () => {
    expect(validateFeedItems([feedItem({ title: '' })])).toHaveLength(1);
  });

  it.each([
    ['no item_key', feedItem({ itemKey: '  ' }), 'items[1]: item_key is required'],
    ['neither title nor text', feedItem({ title: '', text: ' ' }), 'items[1]: an item needs a title or a text'],
  ])('rejects an item with %s, naming it', (_label, bad, message) => {
    const error = rejection([feedItem(), bad]);

    expect(error.code).toBe(ErrorCode.InvalidArgument);
    expect(error.message).toBe(message);
  });
});

describe(contentHashOf.name, () => {
  it('separates fields so that moving text between them changes the hash', () => {
    const base = { guid: '', url: '', author: '', publishedAt: null, contentHtml: '', text: '' };

    expect(contentHashOf({ ...base, title: 'ab', text: 'c' })).not.toBe(contentHashOf({ ...base, title: 'a', text: 'bc' }));
  });
});
