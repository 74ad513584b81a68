import { EventType } from '@autoglm/contracts';
import {
  assignPublishTimes,
  DEFAULT_SIMULATION,
  generateUsers,
  interestIn,
  keyedUniform,
  SECONDARY_LABEL,
  seededRandom,
  simulate,
  type ContentItem,
  type Ranker,
  type RankRequest,
  type SimulationConfig,
} from './recommendation-simulation';

const LABELS = ['politics', 'sports', 'music', 'space'];

/** Four articles per hidden label, on separate axes of a 4-d embedding; pipeline topic 'general'. */
function corpus(): { items: ContentItem[]; hidden: Map<string, string[]> } {
  const items: ContentItem[] = [];
  const hidden = new Map<string, string[]>();
  LABELS.forEach((label, axis) => {
    for (let i = 0; i < 4; i++) {
      const id = `${label}-${i}`;
      items.push({ id, sourceId: `src-${i}`, url: `https://example.com/${id}`, title: id, language: 'en', topic: 'general', summary: '', vector: LABELS.map((_, a) => (a === axis ? 1 : 0.1)) });
      hidden.set(id, [label]);
    }
  });
  return { items, hidden };
}

const CONFIG: SimulationConfig = { ...DEFAULT_SIMULATION, users: 12, days: 6, listSize: 4, windowDays: 3 };

const recorder = (requests: RankRequest[]): Ranker => ({
  name: 'newest',
  rank: (request) => {
    requests.push(request);
    return request.candidates.map((c) => c.article.id).sort();
  },
});

describe('recommendation simulation', () => {
  it('draws the same numbers from the same seed and key, others from another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(seededRandom(8)()).not.toBe(seededRandom(7)());
    expect(keyedUniform(1, 'open:user-1:0:a')).toBe(keyedUniform(1, 'open:user-1:0:a'));
    expect(keyedUniform(1, 'open:user-1:0:a')).not.toBe(keyedUniform(2, 'open:user-1:0:a'));
  });

  describe(interestIn.name, () => {
    it("counts an article's first label fully and later ones at SECONDARY_LABEL", () => {
      const interests = new Map([
        ['sports', 1],
        ['music', 0.5],
      ]);
      expect(interestIn(interests, ['sports', 'music'])).toBe(1);
      expect(interestIn(interests, ['politics', 'sports'])).toBe(SECONDARY_LABEL);
      expect(interestIn(interests, ['music'])).toBe(0.5);
      expect(interestIn(interests, ['space'])).toBe(0);
      expect(interestIn(interests, [])).toBe(0);
    });
  });

  describe(generateUsers.name, () => {
    const frequency = new Map(LABELS.map((l) => [l, 4]));

    it('gives each user 1–3 known labels, the first weighing 1, the same for the same seed', () => {
      const sut = generateUsers(CONFIG, frequency);
      expect(sut).toHaveLength(CONFIG.users);
      for (const user of sut) {
        expect(user.interestsByDay).toHaveLength(CONFIG.days);
        const first = user.interestsByDay[0]!;
        expect(first.size).toBeGreaterThanOrEqual(1);
        expect(first.size).toBeLessThanOrEqual(3);
        expect([...first.values()][0]).toBe(1);
        for (const label of first.keys()) expect(LABELS).toContain(label);
      }
      expect(generateUsers(CONFIG, frequency)).toEqual(sut);
      expect(generateUsers({ ...CONFIG, seed: 99 }, frequency)).not.toEqual(sut);
    });

    it('drifts: with drift certain, every day swaps one interest for a new label', () => {
      const sut = generateUsers({ ...CONFIG, driftPerDay: 1 }, frequency);
      const user = sut.find((u) => u.interestsByDay[0]!.size < LABELS.length)!;
      for (let day = 1; day < CONFIG.days; day++) {
        const before = new Set(user.interestsByDay[day - 1]!.keys());
        const after = [...user.interestsByDay[day]!.keys()];
        expect(after).toHaveLength(before.size);
        expect(after.filter((l) => !before.has(l))).toHaveLength(1);
      }
      expect(generateUsers({ ...CONFIG, driftPerDay: 0 }, frequency).every((u) => u.interestsByDay.every((d) => [...d.keys()].join() === [...u.interestsByDay[0]!.keys()].join()))).toBe(true);
    });
  });

  describe(assignPublishTimes.name, () => {
    it('spreads the articles evenly over the days', () => {
      const ids = Array.from({ length: 12 }, (_, i) => `a${i}`);
      const sut = assignPublishTimes(ids, { ...CONFIG, days: 3 });
      const perDay = [0, 0, 0];
      for (const time of sut.values()) perDay[Math.floor((time.getTime() - CONFIG.start.getTime()) / 86_400_000)]! += 1;
      expect(perDay).toEqual([4, 4, 4]);
      expect(assignPublishTimes(ids, { ...CONFIG, days: 3 })).toEqual(sut);
    });
  });

  describe(simulate.name, () => {
    it('never hands a ranker the hidden labels or a future article, only published, unseen candidates and this user’s events', () => {
      const { items, hidden } = corpus();
      const requests: RankRequest[] = [];
      simulate(recorder(requests), items, hidden, CONFIG);
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        const text = JSON.stringify({ ...request, opens: [...request.opens], articles: [...request.articles] });
        for (const label of LABELS) expect(text).not.toContain(`"${label}"`);
        for (const [, a] of request.articles) expect(Number(a.ref.publishedAt!.seconds) * 1000).toBeLessThanOrEqual(request.now.getTime());
        const read = new Set(request.events.map((e) => e.articleId));
        for (const c of request.candidates) {
          expect(read.has(c.article.id)).toBe(false);
          expect(Number(c.article.publishedAt!.seconds) * 1000).toBeLessThanOrEqual(request.now.getTime());
        }
      }
    });

    it('is deterministic for a seed, and scores a ranker that follows the reader above one that works against them', () => {
      const { items, hidden } = corpus();
      const first = simulate(recorder([]), items, hidden, CONFIG);
      expect(simulate(recorder([]), items, hidden, CONFIG)).toEqual(first);
      // Ranks by similarity to the mean vector of what the user opened: learns from events only.
      const follower = (sign: 1 | -1): Ranker => ({
        name: sign > 0 ? 'follower' : 'contrarian',
        rank: ({ candidates, events, articles }) => {
          const read = events.filter((e) => e.type === EventType.EVENT_TYPE_OPEN).map((e) => articles.get(e.articleId)!.vector);
          const mean = LABELS.map((_, a) => read.reduce((s, v) => s + v[a]!, 0));
          const score = (v: number[]) => sign * v.reduce((s, x, a) => s + x * mean[a]!, 0);
          return [...candidates].sort((x, y) => score(y.vector) - score(x.vector) || x.article.id.localeCompare(y.article.id)).map((c) => c.article.id);
        },
      });
      const good = simulate(follower(1), items, hidden, { ...CONFIG, users: 30, days: 8 });
      const bad = simulate(follower(-1), items, hidden, { ...CONFIG, users: 30, days: 8 });
      expect(good.sessions).toBe(bad.sessions); // the same visits in both worlds
      expect(good.ndcg).toBeGreaterThan(bad.ndcg);
      expect(good.auc).toBeGreaterThan(bad.auc);
      expect(good.opensPerSession).toBeGreaterThan(bad.opensPerSession);
    });

    it('rejects a ranker that drops or invents candidates', () => {
      const { items, hidden } = corpus();
      const dropping: Ranker = { name: 'dropping', rank: ({ candidates }) => candidates.slice(1).map((c) => c.article.id) };
      expect(() => simulate(dropping, items, hidden, CONFIG)).toThrow(/dropping did not return a permutation/);
    });
  });
});
