import { EventType } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import { DEFAULT_RANKING_OPTIONS, EXPLORATION_EVERY, rankCandidates, type Candidate } from './ranking';
import { buildProfile, type ArticleFacts, type EmbeddedArticle, type UserProfile } from './user-profile';

const NOW = new Date('2026-11-25T12:00:00Z');

function candidate(id: string, vector: number[], hoursAgo: number, topic = '', sourceId = 's'): Candidate {
  return {
    article: {
      id,
      sourceId,
      url: `https://example.com/${id}`,
      title: id,
      language: 'en',
      topic,
      summary: '',
      publishedAt: toTimestamp(new Date(NOW.getTime() - hoursAgo * 3_600_000)),
    },
    vector,
  };
}

/** A profile from one long read of each given article. */
function profileOf(read: Array<{ id: string; vector: number[]; topic?: string; sourceId?: string }>): UserProfile {
  const embeddings = new Map<string, EmbeddedArticle>(read.map((r) => [r.id, { articleId: r.id, title: r.id, vector: r.vector }]));
  const facts = new Map<string, ArticleFacts>(read.map((r) => [r.id, { topic: r.topic ?? '', sourceId: r.sourceId ?? 's', title: r.id }]));
  const events = read.map((r) => ({ articleId: r.id, type: EventType.EVENT_TYPE_DWELL, dwellSeconds: 90, occurredAt: NOW }));
  return buildProfile(events, embeddings, facts, NOW);
}

const ids = (items: { article: { id: string } }[]) => items.map((i) => i.article.id);

describe(rankCandidates.name, () => {
  it('defaults to every component on: no options, {} and the defaults rank alike', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0, 0], topic: 'sports' }]);
    const candidates = [
      candidate('close-old', [0.95, 0.05, 0], 100, 'sports'),
      candidate('far-fresh', [0, 1, 0], 1, 'technology'),
      candidate('dup', [0.95, 0.05, 0], 90, 'sports'),
      candidate('other', [0, 0, 1], 5, 'food'),
    ];
    const sut = ids(rankCandidates(candidates, profile, NOW, 4));
    expect(ids(rankCandidates(candidates, profile, NOW, 4, {}))).toEqual(sut);
    expect(ids(rankCandidates(candidates, profile, NOW, 4, { ...DEFAULT_RANKING_OPTIONS }))).toEqual(sut);
    expect(sut[0]).toBe('dup'); // as close as close-old and fresher
  });

  it('without the profile, similarity to what was read no longer lifts an old article over a fresh one', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0, 0] }]);
    const candidates = [candidate('close-old', [1, 0, 0], 96), candidate('far-fresh', [0, 1, 0], 1)];
    expect(ids(rankCandidates(candidates, profile, NOW, 2))[0]).toBe('close-old');
    expect(ids(rankCandidates(candidates, profile, NOW, 2, { profile: false }))[0]).toBe('far-fresh');
  });

  it('without affinity, a read topic and source no longer lift an article', () => {
    const profile = profileOf([{ id: 'read', vector: [], topic: 'sports', sourceId: 'club' }]);
    const candidates = [candidate('same-topic', [], 30, 'sports', 'club'), candidate('fresher', [], 1, 'food', 'other')];
    expect(ids(rankCandidates(candidates, profile, NOW, 2, { exploration: false }))[0]).toBe('same-topic');
    expect(ids(rankCandidates(candidates, profile, NOW, 2, { exploration: false, affinity: false }))[0]).toBe('fresher');
  });

  it('without freshness, the score no longer depends on age', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0] }]);
    const candidates = [candidate('old', [1, 0], 500), candidate('new', [1, 0], 0)];
    const withFreshness = rankCandidates(candidates, profile, NOW, 2, { mmr: false });
    const without = rankCandidates(candidates, profile, NOW, 2, { mmr: false, freshness: false });
    expect(ids(withFreshness)[0]).toBe('new');
    expect(withFreshness[0].score).toBeGreaterThan(withFreshness[1].score);
    expect(without[0].score).toBeCloseTo(without[1].score, 10);
  });

  it('without MMR, a near-duplicate of the first item is no longer sent to the end', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0, 0] }]);
    const candidates = [
      candidate('story', [1, 0, 0], 1),
      candidate('story-again', [1, 0.001, 0], 1),
      candidate('related', [0.7, 0.7, 0], 1),
      candidate('other', [0, 0.2, 1], 1),
    ];
    expect(ids(rankCandidates(candidates, profile, NOW, 4))).toEqual(['story', 'related', 'other', 'story-again']);
    expect(ids(rankCandidates(candidates, profile, NOW, 4, { mmr: false }))).toEqual(['story', 'story-again', 'related', 'other']);
  });

  it('without exploration, no slot goes to an unread topic', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0], topic: 'sports' }]);
    const candidates = [
      ...Array.from({ length: EXPLORATION_EVERY }, (_, i) => candidate(`sport-${i}`, [1, 0], 10 + i, 'sports')),
      // Unlike what was read and old, so only the exploration slot brings it into the list.
      candidate('new-topic', [-1, 0], 48, 'science', 'elsewhere'),
    ];
    // MMR off, so the list is in score order but for the exploration slot.
    const explored = rankCandidates(candidates, profile, NOW, EXPLORATION_EVERY, { mmr: false });
    expect(explored[EXPLORATION_EVERY - 1]).toMatchObject({ article: { id: 'new-topic' }, reason: 'exploring science' });
    const sut = rankCandidates(candidates, profile, NOW, EXPLORATION_EVERY, { mmr: false, exploration: false });
    expect(ids(sut)).not.toContain('new-topic');
    expect(sut.some((i) => i.reason.startsWith('exploring'))).toBe(false);
  });

  it('takes the MMR trade-off from the options', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0, 0] }]);
    // 'echo' is closer to the profile but nearly repeats 'story'; 'aside' is less relevant and different.
    const candidates = [candidate('story', [1, 0, 0], 1), candidate('echo', [0.95, 0.3, 0], 1), candidate('aside', [0.6, 0, 0.8], 1)];
    expect(ids(rankCandidates(candidates, profile, NOW, 3, { mmrLambda: 1 }))).toEqual(['story', 'echo', 'aside']);
    expect(ids(rankCandidates(candidates, profile, NOW, 3, { mmrLambda: 0.3 }))).toEqual(['story', 'aside', 'echo']);
  });

  it('novelty: a retelling of a read article goes after the news (MMR on or off), is never explored, and can be switched off', () => {
    const profile = profileOf([{ id: 'read', vector: [1, 0, 0, 0], topic: 'world' }]);
    const candidates = [
      candidate('copy', [0.98, 0.2, 0, 0], 1, 'science'),
      candidate('news', [0.6, 0.8, 0, 0], 30, 'world'),
      ...Array.from({ length: EXPLORATION_EVERY }, (_, i) => candidate(`more-${i}`, [0.5, 0, 0.87 * Math.sin(i / 2), 0.87 * Math.cos(i / 2)], 40 + i, 'world')),
    ];
    const stories = new Map([
      ['read', { storyId: 'quake', nearDuplicateOf: '' }],
      ['copy', { storyId: 'quake', nearDuplicateOf: 'read' }],
    ]);
    const limit = candidates.length;
    expect(ids(rankCandidates(candidates, profile, NOW, limit, {}, undefined, new Map()))[0]).toBe('copy');
    for (const mmr of [true, false]) {
      const sut = rankCandidates(candidates, profile, NOW, limit, { mmr }, undefined, stories);
      // 'copy' is the only item of an unexplored topic, yet the exploration slot does not bring it forward.
      expect(sut[sut.length - 1]).toMatchObject({ article: { id: 'copy' }, reason: 'retells "read", which you read', controls: ['novelty:read'] });
    }
    expect(ids(rankCandidates(candidates, profile, NOW, limit, { novelty: false }, undefined, stories))[0]).toBe('copy');
  });
});

