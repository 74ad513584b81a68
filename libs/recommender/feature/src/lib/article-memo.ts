import { LRUCache } from 'lru-cache';

/** Articles whose embedding and facts the recommender keeps between calls (~2 KB each with 512-d vectors). */
export const ARTICLE_MEMO_ENTRIES = 5_000;
/** How long a kept value is used: a re-embedded or re-analysed article is seen within this time. */
export const ARTICLE_MEMO_TTL_MS = 5 * 60_000;

/**
 * Per-article values that rarely change (an embedding, an article's topic and title), kept in a bounded LRU
 * with a short TTL: each For-You call reads the embeddings of up to 200 articles the user read and of ~100
 * candidates, mostly the same ones as the user's previous call; fetching and decoding them dominated a call
 * (tools/bench/foryou-latency). Only found values are kept (an article without an embedding may get one).
 */
export class ArticleMemo<V extends object> {
  private readonly entries = new LRUCache<string, V>({ max: ARTICLE_MEMO_ENTRIES, ttl: ARTICLE_MEMO_TTL_MS });

  /** `final` says which loaded values are kept (by default all): a value that may still change is loaded again next time. */
  constructor(private readonly final: (value: V) => boolean = () => true) {}

  /** The values of `ids`: kept ones, the rest from `load` (called once, with the missing ids only, if any). */
  async getMany(ids: readonly string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const id of ids) {
      const kept = this.entries.get(id);
      if (kept) found.set(id, kept);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const [id, value] of await load(missing)) {
      if (this.final(value)) this.entries.set(id, value);
      found.set(id, value);
    }
    return found;
  }
}
