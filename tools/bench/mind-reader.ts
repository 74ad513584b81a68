// Reader for impression logs in the MIND format (Microsoft News Dataset; Wu et al., ACL 2020), so
// tools/bench/recommendation-eval.ts can evaluate on real logs: `--mind <dir>` with
//   behaviors.tsv  impressionId \t userId \t time (M/D/YYYY h:mm:ss AM|PM) \t history (space-separated
//                  news ids, oldest first) \t impressions ("N123-1 N456-0": shown news, 1 = clicked;
//                  the test split has no "-label")
//   news.tsv       newsId \t category \t subcategory \t title \t abstract \t url \t titleEntities \t
//                  abstractEntities (JSON arrays of {Label, Type, WikidataId, Confidence, ...})
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MindEntity {
  label: string;
  type: string;
  wikidataId: string;
  confidence: number;
}

export interface MindNews {
  newsId: string;
  category: string;
  subcategory: string;
  title: string;
  abstract: string;
  url: string;
  titleEntities: MindEntity[];
  abstractEntities: MindEntity[];
}

export interface MindShown {
  newsId: string;
  /** Whether the user clicked it; undefined in unlabelled (test-split) logs. */
  clicked: boolean | undefined;
}

export interface MindImpression {
  impressionId: string;
  userId: string;
  time: Date;
  /** News the user clicked before this impression, oldest first. */
  history: string[];
  shown: MindShown[];
}

export interface MindDataset {
  news: Map<string, MindNews>;
  impressions: MindImpression[];
}

/** A line of a MIND file that does not follow the format; names the file and the 1-based line. */
export class MindFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'MindFormatError';
  }
}

const TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)$/;
const NEWS_ID = /^[A-Za-z0-9_]+$/;

/** MIND's impression time ("11/15/2019 8:55:22 AM"), read as UTC; undefined if malformed. */
export function parseMindTime(text: string): Date | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const [month, day, year, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 1 || hour > 12 || minute > 59 || second > 59) return undefined;
  const hour24 = (hour % 12) + (m[7] === 'PM' ? 12 : 0);
  const date = new Date(Date.UTC(year, month - 1, day, hour24, minute, second));
  return date.getUTCDate() === day ? date : undefined;
}

function lines(text: string): Array<{ line: number; fields: string[] }> {
  return text
    .split('\n')
    .map((raw, i) => ({ line: i + 1, raw: raw.replace(/\r$/, '') }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ line, raw }) => ({ line, fields: raw.split('\t') }));
}

function parseEntities(json: string, file: string, line: number, column: string): MindEntity[] {
  if (json.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new MindFormatError(file, line, `${column} is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new MindFormatError(file, line, `${column} is not a JSON array`);
  return parsed.map((e: unknown) => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof o['Label'] !== 'string') throw new MindFormatError(file, line, `${column} has an entity without a Label`);
    return {
      label: o['Label'],
      type: typeof o['Type'] === 'string' ? o['Type'] : '',
      wikidataId: typeof o['WikidataId'] === 'string' ? o['WikidataId'] : '',
      confidence: typeof o['Confidence'] === 'number' ? o['Confidence'] : 0,
    };
  });
}

/** Parses news.tsv; the last two (entity) columns may be missing or empty. */
export function parseMindNews(text: string, file = 'news.tsv'): Map<string, MindNews> {
  const news = new Map<string, MindNews>();
  for (const { line, fields } of lines(text)) {
    if (fields.length < 6 || fields.length > 8) throw new MindFormatError(file, line, `expected 6 to 8 tab-separated columns, found ${fields.length}`);
    const [newsId, category, subcategory, title, abstract, url, titleEntities = '', abstractEntities = ''] = fields as [string, string, string, string, string, string, string?, string?];
    if (!NEWS_ID.test(newsId)) throw new MindFormatError(file, line, `bad news id "${newsId}"`);
    if (news.has(newsId)) throw new MindFormatError(file, line, `news id ${newsId} repeats`);
    news.set(newsId, {
      newsId,
      category,
      subcategory,
      title,
      abstract,
      url,
      titleEntities: parseEntities(titleEntities, file, line, 'titleEntities'),
      abstractEntities: parseEntities(abstractEntities, file, line, 'abstractEntities'),
    });
  }
  return news;
}

/** Parses behaviors.tsv. */
export function parseMindBehaviors(text: string, file = 'behaviors.tsv'): MindImpression[] {
  return lines(text).map(({ line, fields }) => {
    if (fields.length !== 5) throw new MindFormatError(file, line, `expected 5 tab-separated columns, found ${fields.length}`);
    const [impressionId, userId, timeText, historyText, shownText] = fields as [string, string, string, string, string];
    if (!impressionId.trim()) throw new MindFormatError(file, line, 'empty impression id');
    if (!userId.trim()) throw new MindFormatError(file, line, 'empty user id');
    const time = parseMindTime(timeText);
    if (!time) throw new MindFormatError(file, line, `bad time "${timeText}" (expected M/D/YYYY h:mm:ss AM|PM)`);
    const history = historyText.split(' ').filter((id) => id !== '');
    const bad = history.find((id) => !NEWS_ID.test(id));
    if (bad) throw new MindFormatError(file, line, `bad news id "${bad}" in the history`);
    const shown = shownText
      .split(' ')
      .filter((s) => s !== '')
      .map((item): MindShown => {
        const m = /^([A-Za-z0-9_]+?)(?:-([01]))?$/.exec(item);
        if (!m) throw new MindFormatError(file, line, `bad impression item "${item}" (expected <newsId>-<0|1> or <newsId>)`);
        return { newsId: m[1] as string, clicked: m[2] === undefined ? undefined : m[2] === '1' };
      });
    if (shown.length === 0) throw new MindFormatError(file, line, 'no impression items');
    return { impressionId, userId, time, history, shown };
  });
}

/** Reads `<dir>/news.tsv` and `<dir>/behaviors.tsv`; every news id the behaviours name must be in news.tsv. */
export function readMindDataset(dir: string): MindDataset {
  for (const name of ['news.tsv', 'behaviors.tsv']) {
    if (!existsSync(join(dir, name))) throw new MindFormatError(join(dir, name), 0, 'file not found');
  }
  const news = parseMindNews(readFileSync(join(dir, 'news.tsv'), 'utf8'), join(dir, 'news.tsv'));
  const behaviorsFile = join(dir, 'behaviors.tsv');
  const impressions = parseMindBehaviors(readFileSync(behaviorsFile, 'utf8'), behaviorsFile);
  impressions.forEach((impression, i) => {
    const missing = [...impression.history, ...impression.shown.map((s) => s.newsId)].find((id) => !news.has(id));
    if (missing) throw new MindFormatError(behaviorsFile, i + 1, `impression ${impression.impressionId} names news ${missing}, which is not in news.tsv`);
  });
  return { news, impressions };
}
