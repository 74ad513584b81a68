import { chooseStory, nearDuplicateMinCosine, type StoryScore } from './story-choice';

const MODEL = 'use-lite-en@1.0.0';
const story = (clusterId: string, mean: number, max: number, closestArticleId = `${clusterId}-a`, shared = 3): StoryScore => ({
  clusterId,
  mean,
  max,
  closestArticleId,
  closestSharedKeywords: shared,
  maxSharedKeywords: shared,
});

describe(chooseStory.name, () => {
  it('joins the story of the closest SimHash near-duplicate and records it', () => {
    const sut = chooseStory(
      [
        { articleId: 'x', clusterId: 's1', distance: 9 },
        { articleId: 'y', clusterId: 's2', distance: 2 },
      ],
      [story('s1', 0.9, 0.95)],
      MODEL,
      'linked',
    );
    expect(sut).toEqual({ clusterId: 's2', similarity: 1 - 2 / 64, nearDuplicate: { articleId: 'y', distance: 2 } });
  });

  it('takes an embedding above the near-duplicate bar as a near-duplicate when SimHash missed it', () => {
    const sut = chooseStory([], [story('s1', 0.9, 0.99, 'copy')], MODEL, 'linked');
    expect(sut).toEqual({ clusterId: 's1', similarity: 0.99, nearDuplicate: { articleId: 'copy', cosine: 0.99 } });
    expect(nearDuplicateMinCosine(MODEL)).toBeLessThan(0.99);
  });

  it('joins the story of the closest article (linked), or of the closest on average (average)', () => {
    // Close to one article (0.9) of a story whose other articles it is far from (mean 0.7).
    const chained = story('chain', 0.7, 0.9);
    expect(chooseStory([], [chained], MODEL, 'linked')).toEqual({ clusterId: 'chain', similarity: 0.9 });
    expect(chooseStory([], [chained], MODEL, 'average')).toBeUndefined();
    expect(chooseStory([], [chained, story('tight', 0.86, 0.88)], MODEL, 'average')).toEqual({ clusterId: 'tight', similarity: 0.86 });
  });

  it('asks an embedding match to share keywords: a close vector of another event (or an unread language) is not enough', () => {
    expect(chooseStory([], [story('other-event', 0.93, 0.93, 'x', 1)], MODEL, 'linked')).toBeUndefined();
    expect(chooseStory([], [story('copy-like', 0.99, 0.99, 'x', 0)], MODEL, 'linked')).toBeUndefined();
    expect(chooseStory([], [story('same-event', 0.9, 0.9, 'x', 2)], MODEL, 'linked')).toEqual({ clusterId: 'same-event', similarity: 0.9 });
    // The earlier rule asked for none.
    expect(chooseStory([], [story('other-event', 0.93, 0.93, 'x', 0)], MODEL, 'earlier')).toEqual({ clusterId: 'other-event', similarity: 0.93 });
  });

  it('starts a new story when nothing reaches the bar', () => {
    expect(chooseStory([], [], MODEL, 'linked')).toBeUndefined();
    expect(chooseStory([{ articleId: 'x', clusterId: 's1', distance: 30 }], [story('s1', 0.5, 0.6)], MODEL, 'earlier')).toBeUndefined();
  });
});
