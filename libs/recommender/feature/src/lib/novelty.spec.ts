import { judgeNovelty, RETOLD_SIMILARITY, type StoryFacts } from './novelty';
import type { EmbeddedArticle } from './user-profile';

const read = (articleId: string, vector: number[] = []): EmbeddedArticle => ({ articleId, title: `Title ${articleId}`, vector });
const facts = (entries: Record<string, [story: string, nearDuplicateOf?: string]>) =>
  new Map<string, StoryFacts>(Object.entries(entries).map(([id, [storyId, nearDuplicateOf]]) => [id, { storyId, nearDuplicateOf: nearDuplicateOf ?? '' }]));

describe(judgeNovelty.name, () => {
  it('a near-duplicate of a read article retells it, whichever way storage linked them', () => {
    expect(judgeNovelty('copy', [], [read('orig')], facts({ copy: ['s', 'orig'], orig: ['s'] }))).toMatchObject({ kind: 'retold', read: { articleId: 'orig' } });
    expect(judgeNovelty('orig', [], [read('copy')], facts({ copy: ['s', 'orig'], orig: ['s'] }))).toMatchObject({ kind: 'retold', read: { articleId: 'copy' } });
  });

  it('two copies of one original retell each other (the original unread)', () => {
    expect(judgeNovelty('copy-2', [], [read('copy-1')], facts({ 'copy-1': ['s', 'orig'], 'copy-2': ['s', 'orig'] }))?.kind).toBe('retold');
  });

  it('in the same story, embeddings within the near-duplicate bar retell; below it the article is a follow-up', () => {
    const stories = facts({ a: ['s'], b: ['s'] });
    const close = [Math.sqrt(RETOLD_SIMILARITY), Math.sqrt(1 - RETOLD_SIMILARITY)];
    expect(judgeNovelty('b', [...close], [read('a', [1, 0])], stories)?.kind).toBe('retold');
    expect(judgeNovelty('b', [0.9, 0.43], [read('a', [1, 0])], stories)).toMatchObject({ kind: 'follow-up', read: { articleId: 'a' } });
  });

  it('close embeddings in different stories, or without story facts, are no verdict (a good match looks like that)', () => {
    expect(judgeNovelty('b', [1, 0], [read('a', [1, 0])], facts({ a: ['s1'], b: ['s2'] }))).toBeUndefined();
    expect(judgeNovelty('b', [1, 0], [read('a', [1, 0])], new Map())).toBeUndefined();
  });

  it('a retelling of any read article wins over a follow-up of another', () => {
    const stories = facts({ first: ['s'], second: ['s'], candidate: ['s', 'second'] });
    expect(judgeNovelty('candidate', [], [read('first'), read('second')], stories)).toMatchObject({ kind: 'retold', read: { articleId: 'second' } });
  });
});
