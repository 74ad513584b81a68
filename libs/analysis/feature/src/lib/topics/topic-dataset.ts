import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TOPICS } from './topic-taxonomy';

/** One labelled text of the topic set: a news headline and its lead, in English or Chinese. */
export interface LabelledText {
  text: string;
  lang: 'en' | 'zh';
  topic: string;
}

/** Percent of the labelled set held out from training (chosen by a hash of the text, so stable as the set grows). */
export const HELD_OUT_PERCENT = 30;

/** The labelled set shipped with the repository (Apache-2.0, written for the project; see data/README.md). */
export const TOPIC_DATASET_FILE = 'topic-news.jsonl';

/** Parses JSON lines {text, lang, topic}; a line that is not a valid item fails with its line number. */
export function parseLabelledTexts(jsonl: string, topics: readonly string[] = TOPICS.map((t) => t.id)): LabelledText[] {
  const known = new Set(topics);
  const items: LabelledText[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    const { text, lang, topic } = (item ?? {}) as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '') throw new Error(`line ${i + 1}: text must be a non-empty string`);
    if (lang !== 'en' && lang !== 'zh') throw new Error(`line ${i + 1}: lang must be "en" or "zh", got ${JSON.stringify(lang)}`);
    if (typeof topic !== 'string' || !known.has(topic)) throw new Error(`line ${i + 1}: unknown topic ${JSON.stringify(topic)}`);
    items.push({ text, lang, topic });
  });
  return items;
}

/** True when the text belongs to the held-out split: the first 32 bits of its sha256, modulo 100, below HELD_OUT_PERCENT. */
export function isHeldOut(text: string): boolean {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0) % 100 < HELD_OUT_PERCENT;
}

export function splitLabelledTexts(items: readonly LabelledText[]): { train: LabelledText[]; heldOut: LabelledText[] } {
  const train: LabelledText[] = [];
  const heldOut: LabelledText[] = [];
  for (const item of items) (isHeldOut(item.text) ? heldOut : train).push(item);
  return { train, heldOut };
}

/**
 * A file of the topics' data/ folder: next to this module (sources), else found under the
 * repository above it (the compiled dist/ does not copy data files). Undefined when absent.
 */
export function topicDataFile(name: string): string | undefined {
  const local = join(__dirname, 'data', name);
  if (existsSync(local)) return local;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'analysis', 'feature', 'src', 'lib', 'topics', 'data', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The shipped labelled set. */
export function readTopicDataset(file = topicDataFile(TOPIC_DATASET_FILE)): LabelledText[] {
  if (!file) throw new Error(`topic dataset ${TOPIC_DATASET_FILE} not found`);
  return parseLabelledTexts(readFileSync(file, 'utf8'));
}
