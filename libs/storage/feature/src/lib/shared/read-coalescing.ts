import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** Answers kept by remember(): how many, and how long at most (writes on other replicas are not seen here). */
export const REMEMBERED_READS = 5_000;
export const REMEMBERED_READ_TTL_MS = 30_000;

interface InFlight {
  generation: number;
  answer: Promise<unknown>;
}

/**
 * Identical article reads (lists, similar articles, searches) that arrive while one is in flight
 * share its answer instead of queueing a query of their own. In embedded mode PGlite runs one query
 * at a time, so under load every request used to wait for all the identical queries ahead of it.
 *
 * read() keeps nothing once a query is answered; remember() keeps answers until the next write. After
 * a write commits (changed()) new reads start a query of their own: a read that starts after a write
 * was acknowledged never gets an answer from before it. With several storage replicas, a write on
 * another replica is not seen here: in-flight reads are shared regardless (as a query started just
 * before that write would answer), and remembered answers are kept at most REMEMBERED_READ_TTL_MS.
 */
@Injectable()
export class ReadCoalescing {
  private generation = 0;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly answers = new LRUCache<string, { generation: number; value: object }>({
    max: REMEMBERED_READS,
    ttl: REMEMBERED_READ_TTL_MS,
  });

  /** The answer of the in-flight read with the same key, started since the last write, else load()'s. */
  read<V>(key: string, load: () => Promise<V>): Promise<V> {
    const current = this.inFlight.get(key);
    if (current && current.generation === this.generation) return current.answer as Promise<V>;
    const answer = load().finally(() => {
      if (this.inFlight.get(key)?.answer === answer) this.inFlight.delete(key);
    });
    this.inFlight.set(key, { generation: this.generation, answer });
    return answer;
  }

  /**
   * Like read(), and the answer is also kept until the next write (at most REMEMBERED_READ_TTL_MS): for
   * reads keyed by many values (one per article) that identical reads rarely meet in flight.
   */
  async remember<V extends object>(key: string, load: () => Promise<V>): Promise<V> {
    const generation = this.generation;
    const kept = this.answers.get(key);
    if (kept && kept.generation === generation) return kept.value as V;
    const value = await this.read(key, load);
    // Not kept when a write committed meanwhile: the answer may predate it.
    if (generation === this.generation) this.answers.set(key, { generation, value });
    return value;
  }

  /** A write that may change what reads answer has committed. */
  changed(): void {
    this.generation++;
    this.answers.clear();
  }

  /** Reads in flight (for tests and metrics). */
  get pending(): number {
    return this.inFlight.size;
  }
}
