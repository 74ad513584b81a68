import type { JsonApiFields, JsonApiOptions, WebPageOptions } from '@autoglm/shared-config';
import { SourceKindError } from './source-kind-error';

const FIELDS: ReadonlyArray<keyof JsonApiFields> = ['id', 'title', 'url', 'published', 'content', 'author'];

function parseObject(json: string | undefined, kind: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json ?? '');
  } catch {
    throw new SourceKindError(`the ${kind} source has no readable options; declare it again in config.yaml`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SourceKindError(`the options of the ${kind} source are not an object; declare it again in config.yaml`);
  }
  return value as Record<string, unknown>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The options of a JSON API source as storage keeps them (validated when config.yaml was loaded; checked again here). */
export function jsonApiOptions(json: string | undefined): JsonApiOptions {
  const raw = parseObject(json, 'JSON API');
  const rawFields = (raw['fields'] ?? {}) as Record<string, unknown>;
  const fields = Object.fromEntries(FIELDS.map((f) => [f, text(rawFields[f])])) as unknown as JsonApiFields;
  if (!fields.title && !fields.url) throw new SourceKindError('the JSON API source maps neither a title nor a url field');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((raw['headers'] ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return { itemsPath: text(raw['itemsPath']), fields, headers };
}

const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Request headers ready to send: "env:VAR" references (how config.yaml names secrets, and all
 * that storage keeps) replaced by the values loaded into AppConfig.secrets where the crawler runs.
 */
export function resolveHeaders(headers: Record<string, string>, secrets: Record<string, string>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const reference = ENV_REFERENCE.exec(value);
    if (!reference) {
      resolved[name] = value;
      continue;
    }
    const secret = secrets[reference[1]];
    if (!secret) {
      throw new SourceKindError(`header ${name} refers to the environment variable ${reference[1]}, which is not set where the crawler runs`);
    }
    resolved[name] = secret;
  }
  return resolved;
}

/** The selectors of a web-page source as storage keeps them. */
export function webPageOptions(json: string | undefined): WebPageOptions {
  const raw = parseObject(json, 'web-page');
  const itemSelector = text(raw['itemSelector']).trim();
  if (!itemSelector) throw new SourceKindError('the web-page source has no item selector');
  return { itemSelector, linkSelector: text(raw['linkSelector']).trim() || 'a', titleSelector: text(raw['titleSelector']).trim() };
}
