import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One article of the labelled summary set with its human-written reference summary. */
export interface ReferenceSummary {
  id: string;
  lang: 'en' | 'zh';
  /** What the story is about (several articles share one: same topic, different story). */
  topic: string;
  title: string;
  /** Paragraphs separated by a blank line. */
  text: string;
  reference: string;
}

/** The labelled set shipped with the repository (written for the project, CC0-1.0; see data/README.md). */
export const SUMMARY_DATASET_FILE = 'news-summaries.jsonl';

/** Parses JSON lines of ReferenceSummary; a bad line fails with its line number, a repeated id too. */
export function parseReferenceSummaries(jsonl: string): ReferenceSummary[] {
  const items: ReferenceSummary[] = [];
  const ids = new Set<string>();
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    const fields = (item ?? {}) as Record<string, unknown>;
    for (const key of ['id', 'topic', 'title', 'text', 'reference'] as const) {
      const value = fields[key];
      if (typeof value !== 'string' || value.trim() === '') throw new Error(`line ${i + 1}: ${key} must be a non-empty string`);
    }
    if (fields['lang'] !== 'en' && fields['lang'] !== 'zh') throw new Error(`line ${i + 1}: lang must be "en" or "zh", got ${JSON.stringify(fields['lang'])}`);
    const summary = fields as unknown as ReferenceSummary;
    if (ids.has(summary.id)) throw new Error(`line ${i + 1}: id ${summary.id} repeats an earlier line`);
    ids.add(summary.id);
    items.push({ id: summary.id, lang: summary.lang, topic: summary.topic, title: summary.title, text: summary.text, reference: summary.reference });
  });
  return items;
}

/**
 * The set's file: next to this module (sources), else under the repository above it (the
 * compiled dist/ does not copy data files). Undefined when absent.
 */
export function summaryDatasetFile(name = SUMMARY_DATASET_FILE): string | undefined {
  const local = join(__dirname, 'data', name);
  if (existsSync(local)) return local;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'analysis', 'feature', 'src', 'lib', 'summary', 'data', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The shipped labelled set. */
export function readReferenceSummaries(file = summaryDatasetFile()): ReferenceSummary[] {
  if (!file) throw new Error(`summary dataset ${SUMMARY_DATASET_FILE} not found`);
  return parseReferenceSummaries(readFileSync(file, 'utf8'));
}
