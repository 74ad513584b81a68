/** The model's word list: token id = position, with each word's frequency rank in the source corpus. */
export class Vocabulary {
  private readonly index = new Map<string, number>();
  private readonly maxRank: number;

  constructor(
    readonly words: readonly string[],
    private readonly ranks: readonly number[],
  ) {
    if (words.length !== ranks.length) throw new Error('vocabulary words and ranks differ in length');
    words.forEach((w, i) => this.index.set(w, i));
    this.maxRank = ranks.reduce((m, r) => Math.max(m, r + 1), 0);
  }

  get size(): number {
    return this.words.length;
  }

  /** Token id of a word, or undefined when the model does not know it. */
  idOf(word: string): number | undefined {
    return this.index.get(word);
  }

  /** 1-based frequency rank of a token id in the source corpus. */
  rankOfId(id: number): number {
    const rank = this.ranks[id];
    return rank === undefined ? this.maxRank + 1 : rank + 1;
  }

  /** 1-based frequency rank of a word; unknown words rank just after the rarest known one. */
  rankOf(word: string): number {
    const id = this.index.get(word);
    return id === undefined ? this.maxRank + 1 : this.rankOfId(id);
  }

  static fromJson(json: unknown): Vocabulary {
    const v = json as { words?: unknown; ranks?: unknown } | null;
    if (!v || !Array.isArray(v.words) || !Array.isArray(v.ranks)) throw new Error('vocab.json needs "words" and "ranks" arrays');
    return new Vocabulary(v.words as string[], v.ranks as number[]);
  }
}
