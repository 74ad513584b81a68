import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { toTimestamp } from '@autoglm/shared-grpc';
import { itemNumberOfReaderId } from './reader-item-ids';
import type { ReaderParams } from './reader-params';
import { parseItemTag, type ItemTag, type ReaderStream } from './reader-streams';

/** The most item ids one stream/items/ids answer lists (NetNewsWire asks for n=10000), and the most items with content. */
export const MAX_ITEM_IDS = 10_000;
export const MAX_STREAM_ITEMS = 1_000;
/** The most ids one items/contents or edit-tag request may name. */
export const MAX_IDS_PER_REQUEST = 10_000;
const DEFAULT_COUNT = 20;
const COUNT = /^\d{1,12}$/;
/** Unix seconds, possibly with a fraction (NetNewsWire sends a Double). */
const SECONDS = /^\d{1,12}(\.\d{1,9})?$/;
const TIMESTAMP = /^\d{1,19}$/;

/**
 * n: how many items a stream answer holds. Absent: 20. More than the most we serve at once is
 * served as that most, with a continuation for the rest (what clients handle); not a count: 400.
 */
export function parseCount(params: ReaderParams, max: number): number {
  const text = params.one('n');
  if (!text) return Math.min(DEFAULT_COUNT, max);
  if (!COUNT.test(text) || Number(text) < 1) throw DomainError.invalidArgument('n must be a positive whole number');
  return Math.min(Number(text), max);
}

/** ot / nt: unix seconds → a timestamp; absent → undefined. */
export function parseSeconds(params: ReaderParams, name: 'ot' | 'nt') {
  const text = params.one(name);
  if (!text) return undefined;
  if (!SECONDS.test(text)) throw DomainError.invalidArgument(`${name} must be unix seconds`);
  return toTimestamp(new Date(Math.floor(Number(text) * 1000)));
}

/** mark-all-as-read's ts: Google Reader's microseconds; milliseconds and seconds are recognised by their length. */
export function parseMarkTime(params: ReaderParams) {
  const text = params.one('ts');
  if (!text) return undefined;
  if (!TIMESTAMP.test(text)) throw DomainError.invalidArgument('ts must be a unix time in microseconds');
  const value = BigInt(text);
  const ms = text.length >= 15 ? value / 1_000n : text.length >= 12 ? value : value * 1_000n;
  return toTimestamp(new Date(Number(ms)));
}

/** r=o: oldest first; newest first otherwise (r absent, n or d). */
export function parseOrder(params: ReaderParams): storage.ReadingListOrder {
  const r = params.one('r');
  if (r === 'o') return storage.ReadingListOrder.READING_LIST_ORDER_OLDEST_FIRST;
  if (r === '' || r === 'n' || r === 'd') return storage.ReadingListOrder.READING_LIST_ORDER_UNSPECIFIED;
  throw DomainError.invalidArgument('r must be o (oldest first) or n (newest first)');
}

/** The item numbers of the i= ids; a malformed id is INVALID_ARGUMENT (none at all too, when `required`). */
export function parseItemIds(params: ReaderParams, required: boolean): string[] {
  const ids = params.all('i');
  if (required && ids.length === 0) throw DomainError.invalidArgument('i must name at least one item');
  if (ids.length > MAX_IDS_PER_REQUEST) throw DomainError.invalidArgument(`at most ${MAX_IDS_PER_REQUEST} item ids per request`);
  return ids.map((id) => {
    const itemNumber = itemNumberOfReaderId(id);
    if (!itemNumber) throw DomainError.invalidArgument(`${JSON.stringify(id.slice(0, 100))} is not an item id`);
    return itemNumber;
  });
}

export function parseTags(params: ReaderParams, name: 'a' | 'r' | 'xt' | 'it'): ItemTag[] {
  return params.all(name).map(parseItemTag);
}

/** What storage can select for a stream with its xt (exclude) / it (include) tags, and what is left to filter after. */
export interface StreamSelection {
  filter: storage.ReadingListFilter;
  keep: (article: storage.UserArticle) => boolean;
}

export function streamSelection(stream: ReaderStream, exclude: readonly ItemTag[], include: readonly ItemTag[]): StreamSelection {
  const { ReadingListFilter } = storage;
  let filter =
    stream.kind === 'starred' ? ReadingListFilter.READING_LIST_FILTER_STARRED : stream.kind === 'read' ? ReadingListFilter.READING_LIST_FILTER_READ : ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED;
  const checks: Array<(article: storage.UserArticle) => boolean> = [];
  const wantRead = (read: boolean) => {
    if (filter === ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED) filter = read ? ReadingListFilter.READING_LIST_FILTER_READ : ReadingListFilter.READING_LIST_FILTER_UNREAD;
    else checks.push((a) => (a.marks?.read ?? false) === read);
  };
  const wantStarred = (starred: boolean) => {
    if (starred && filter === ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED && stream.kind !== 'feed' && stream.kind !== 'label') filter = ReadingListFilter.READING_LIST_FILTER_STARRED;
    else checks.push((a) => (a.marks?.starred ?? false) === starred);
  };
  for (const tag of exclude) {
    if (tag === 'read') wantRead(false);
    else if (tag === 'kept-unread') wantRead(true);
    else wantStarred(false);
  }
  for (const tag of include) {
    if (tag === 'read') wantRead(true);
    else if (tag === 'kept-unread') wantRead(false);
    else wantStarred(true);
  }
  return { filter, keep: (article) => checks.every((check) => check(article)) };
}
