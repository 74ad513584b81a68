import { XPATH_SELECTOR_PREFIX, type JsonApiFields, type JsonApiOptions, type WebPageOptions } from './app-config';

/** The XPath 1.0 parser of the `xpath` package (its own typings pull in the DOM lib, which this code does not use). */
const xpath = require('xpath') as { parse(expression: string): unknown };

/**
 * Options of a JSON API or web-page source that cannot be used. `message` starts with the path of
 * the bad option inside the options ("fields.title must be a string"), so config.yaml prefixes it
 * with the source ("sources[2].options.") and the API with "options.".
 */
export class SourceOptionsError extends Error {
  constructor(
    /** Path of the bad option inside the options, e.g. "fields.title" or "headers.Authorization". */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceOptionsError';
  }
}

/**
 * Reads one request header's value as written (config.yaml: a string or "env:VAR"; the API: a
 * string or {"secretRef": NAME}) into what storage keeps: a literal value or an "env:NAME"
 * reference. Throws SourceOptionsError naming `field`.
 */
export type HeaderValueReader = (value: unknown, field: string) => string;

export const JSON_API_FIELDS: ReadonlyArray<keyof JsonApiFields> = ['id', 'title', 'url', 'published', 'content', 'author'];
/** A dot path: names (any characters but dots and spaces) or array indexes, joined with dots. */
const DOT_PATH = /^[^.\s]+(\.[^.\s]+)*$/;
const HTTP_HEADER_NAME = /^[!#$%&'*+.^`|~\w-]+$/;
/** How a stored header value names a secret: "env:NAME" (the value is read where the crawler runs). */
export const SECRET_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
/** A secret's name: an environment variable name. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_OPTION_LENGTH = 2_000;
const MAX_HEADERS = 20;

/** Header names whose value is a credential (it must be a secret reference, and is never shown). */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret|password|auth/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An option under its camelCase or snake_case name. */
function option(options: Record<string, unknown>, camel: string): unknown {
  return options[camel] ?? options[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function stringOption(options: Record<string, unknown>, name: string, prefix: string, fallback: string | null): string {
  const field = `${prefix}${name}`;
  const value = option(options, name);
  if (value === undefined || value === null || value === '') {
    if (fallback === null) throw new SourceOptionsError(field, `${field} is required`);
    return fallback;
  }
  if (typeof value !== 'string') throw new SourceOptionsError(field, `${field} must be a string`);
  if (value.length > MAX_OPTION_LENGTH) throw new SourceOptionsError(field, `${field} is longer than ${MAX_OPTION_LENGTH} characters`);
  return value.trim();
}

/** The item path, field paths and headers of a JSON API source. */
export function readJsonApiOptions(options: Record<string, unknown>, headerValue: HeaderValueReader): JsonApiOptions {
  const itemsPath = stringOption(options, 'itemsPath', '', '');
  if (itemsPath && !DOT_PATH.test(itemsPath)) throw new SourceOptionsError('itemsPath', `itemsPath "${itemsPath}" is not a dot path like data.items`);
  const rawFields = options['fields'];
  if (!isMapping(rawFields)) throw new SourceOptionsError('fields', `fields must map ${JSON_API_FIELDS.join('/')} to dot paths in each item`);
  for (const name of Object.keys(rawFields)) {
    if (!(JSON_API_FIELDS as readonly string[]).includes(name)) {
      throw new SourceOptionsError(`fields.${name}`, `fields.${name} is not a field (use ${JSON_API_FIELDS.join(', ')})`);
    }
  }
  const fields = {} as JsonApiFields;
  for (const name of JSON_API_FIELDS) {
    const path = stringOption(rawFields, name, 'fields.', '');
    if (path && !DOT_PATH.test(path)) throw new SourceOptionsError(`fields.${name}`, `fields.${name} "${path}" is not a dot path like attributes.title`);
    fields[name] = path;
  }
  if (!fields.title && !fields.url) throw new SourceOptionsError('fields', 'fields needs at least a "title" or a "url" path');
  const rawHeaders = options['headers'] ?? {};
  if (!isMapping(rawHeaders)) throw new SourceOptionsError('headers', 'headers must be a mapping of header names to values');
  if (Object.keys(rawHeaders).length > MAX_HEADERS) throw new SourceOptionsError('headers', `headers has more than ${MAX_HEADERS} entries`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (!HTTP_HEADER_NAME.test(name)) throw new SourceOptionsError('headers', `headers: "${name}" is not a valid HTTP header name`);
    const stored = headerValue(value, `headers.${name}`);
    if (stored.length > MAX_OPTION_LENGTH) throw new SourceOptionsError(`headers.${name}`, `headers.${name} is longer than ${MAX_OPTION_LENGTH} characters`);
    if (/[\r\n\0]/.test(stored)) throw new SourceOptionsError(`headers.${name}`, `headers.${name} must be a single line`);
    headers[name] = stored;
  }
  return { itemsPath, fields, headers };
}

/** The selectors of a web-page source ("a" is the default link selector); XPath ones are parsed now. */
export function readWebPageOptions(options: Record<string, unknown>): WebPageOptions {
  for (const name of Object.keys(options)) {
    if (/^xpath|_xpath$|Xpath$/i.test(name)) {
      const field = /^title/i.test(name) ? 'titleSelector' : /^link/i.test(name) ? 'linkSelector' : 'itemSelector';
      throw new SourceOptionsError(name, `${name}: write an XPath in the selector itself, prefixed "${XPATH_SELECTOR_PREFIX}" (e.g. ${field}: "${XPATH_SELECTOR_PREFIX}//article")`);
    }
  }
  const selectors: WebPageOptions = {
    itemSelector: stringOption(options, 'itemSelector', '', null),
    linkSelector: stringOption(options, 'linkSelector', '', 'a'),
    titleSelector: stringOption(options, 'titleSelector', '', ''),
  };
  for (const name of ['itemSelector', 'linkSelector', 'titleSelector'] as const) {
    const why = xpathProblem(selectors[name]);
    if (why) throw new SourceOptionsError(name, `${name}: ${why}`);
  }
  return selectors;
}

/**
 * Why a selector written as XPath ("xpath:" prefix) cannot be used; null for a valid XPath 1.0
 * expression and for CSS selectors (those are checked by the crawler's selector engine).
 */
export function xpathProblem(selector: string): string | null {
  if (!selector.startsWith(XPATH_SELECTOR_PREFIX)) return null;
  const expression = selector.slice(XPATH_SELECTOR_PREFIX.length).trim();
  if (!expression) return `the XPath after "${XPATH_SELECTOR_PREFIX}" is empty`;
  try {
    xpath.parse(expression);
    return null;
  } catch (error) {
    return `"${expression}" is not a valid XPath 1.0 expression (${(error as Error).message})`;
  }
}
