import type { storage } from '@autoglm/contracts';
import type { JsonApiOptions } from '@autoglm/shared-config';
import { plainTextToHtml } from '../normalize/html-content';
import { decodeDocument } from '../parse/charset';
import { readDotPath } from './dot-path';
import { distinctItems, toFeedItem } from './kind-item';
import { SourceKindError } from './source-kind-error';

/** A field value as text: strings as they are, numbers and booleans written out, anything else ''. */
function fieldText(item: unknown, path: string): string {
  if (!path) return '';
  const value = readDotPath(item, path);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** A date field: text as written; a number is a Unix time in seconds (milliseconds when that large). */
function dateText(item: unknown, path: string): string {
  const value = path ? readDotPath(item, path) : undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const date = new Date(value > 1e12 ? value : value * 1000);
    return Number.isNaN(date.getTime()) ? '' : date.toISOString();
  }
  return fieldText(item, path);
}

/** Content that looks like markup is HTML; anything else is text (escaped, paragraphs kept). */
function contentHtml(value: string): string {
  return /<[a-z][\s\S]*>/i.test(value) ? value : plainTextToHtml(value);
}

/**
 * Reads the response of a JSON API source: the array at `itemsPath`, each element mapped by the
 * field paths into a storage.FeedItem. A body that is not JSON, or a path that does not lead to
 * an array, is a SourceKindError naming what was expected.
 */
export function readJsonApi(body: Buffer, contentType: string, url: string, options: JsonApiOptions): storage.FeedItem[] {
  const { text } = decodeDocument(body, contentType || 'application/json; charset=utf-8');
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SourceKindError(`the JSON API at ${url} did not answer with valid JSON (${(error as Error).message})`);
  }
  const list = readDotPath(document, options.itemsPath);
  if (list === undefined) throw new SourceKindError(`the JSON API at ${url} has nothing at the items path "${options.itemsPath}"`);
  if (!Array.isArray(list)) {
    throw new SourceKindError(`the items path "${options.itemsPath || '(the whole response)'}" of the JSON API at ${url} is not a list`);
  }
  const { fields } = options;
  const items = distinctItems(
    list.map((entry) =>
      toFeedItem({
        id: fieldText(entry, fields.id),
        link: fieldText(entry, fields.url),
        base: url,
        title: fieldText(entry, fields.title),
        author: fieldText(entry, fields.author),
        published: dateText(entry, fields.published),
        contentHtml: contentHtml(fieldText(entry, fields.content)),
      }),
    ),
  );
  if (list.length > 0 && items.length === 0) {
    const mapped = (['title', 'url', 'content'] as const).filter((f) => fields[f]).map((f) => `${f} "${fields[f]}"`);
    throw new SourceKindError(`none of the ${list.length} item(s) of the JSON API at ${url} has a value at the mapped ${mapped.join(', ')}`);
  }
  return items;
}
