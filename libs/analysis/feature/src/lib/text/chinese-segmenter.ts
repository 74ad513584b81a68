import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict';

const WORD = /[\p{L}\p{N}]/u;
const NUMBER = /^[\p{N}.,%]+$/u;

/** Chinese words and keywords with jieba's dictionary and IDF table (the ones @node-rs/jieba ships). */
export class ChineseSegmenter {
  private readonly jieba = Jieba.withDict(dict);
  private readonly tfIdf = TfIdf.withDict(idf);
  private readonly idfTable = new Map<string, number>();
  private readonly medianIdf: number;

  constructor() {
    const values: number[] = [];
    for (const line of Buffer.from(idf).toString('utf8').split('\n')) {
      const space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      const value = Number(line.slice(space + 1));
      if (!Number.isFinite(value)) continue;
      this.idfTable.set(line.slice(0, space), value);
      values.push(value);
    }
    values.sort((a, b) => a - b);
    this.medianIdf = values[values.length >> 1] ?? 1;
  }

  /** Words of the text (punctuation and spaces removed). */
  words(text: string): string[] {
    return this.jieba.cut(text, true).filter((w) => WORD.test(w));
  }

  /** IDF of a word; words missing from the table get the median (jieba's own convention). */
  idfOf(word: string): number {
    return this.idfTable.get(word) ?? this.medianIdf;
  }

  /** Top keywords by TF-IDF (jieba's extractor), numbers and single characters left out. */
  keywords(text: string, limit: number): string[] {
    return this.tfIdf
      .extractKeywords(this.jieba, text, limit * 3)
      .map((k) => k.keyword.trim())
      .filter((k) => [...k].length >= 2 && WORD.test(k) && !NUMBER.test(k))
      .slice(0, limit);
  }
}
