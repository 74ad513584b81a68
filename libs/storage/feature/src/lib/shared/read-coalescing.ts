import { Injectable } from '@nestjs/common';

interface InFlight {
  generation: number;
  answer: Promise<unknown>;
}

/**
 * Identical article reads (lists, similar articles, searches) that arrive while one is in flight
 * share its answer instead of queueing a query of their own. In embedded mode PGlite runs one query
 * at a time, so under load every request used to wait for all the identical queries ahead of it.
 *
 * Nothing is kept once a query is answered, and after a write commits (changed()) new reads start a
 * query of their own: a read that starts after a write was acknowledged never gets an answer from
 * before it. (With several storage replicas, a write on another replica is seen by queries started
 * after it, as without coalescing.)
 */
@Injectable()
export class ReadCoalescing {
  private generation = 0;
  private readonly inFlight = new Map<string, InFlight>();

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

  /** A write that may change what reads answer has committed. */
  changed(): void {
    this.generation++;
  }

  /** Reads in flight (for tests and metrics). */
  get pending(): number {
    return this.inFlight.size;
  }
}
