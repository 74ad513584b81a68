import { SourceKind } from '@autoglm/contracts';
import {
  isCredentialHeader,
  isMapping,
  readJsonApiOptions,
  readWebPageOptions,
  SECRET_NAME,
  SECRET_REFERENCE,
  SourceOptionsError,
  type HeaderValueReader,
} from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';

/** Largest options document the API takes (JSON text). */
export const MAX_OPTIONS_JSON_LENGTH = 16_000;

/**
 * The options of a source added through the API (a JSON object: a JSON API's itemsPath, fields and
 * headers, or a web page's selectors) as storage keeps them: validated by the same rules as
 * config.yaml, a header's secret named by {"secretRef": NAME} and kept as "env:NAME". Only the
 * source secrets (SOURCE_SECRETS) may be named — not config.yaml's own references, nor any other variable — and a credential header (Authorization, Cookie, API keys)
 * must name one: its value is never stored or echoed. Feeds take no options ('' is returned).
 * Every refusal is INVALID_ARGUMENT whose message starts with the bad field ("options.fields.title …").
 */
export function apiSourceOptions(kind: SourceKind, optionsJson: string, secretNames: readonly string[]): string {
  const raw = parseOptions(optionsJson);
  if (kind === SourceKind.SOURCE_KIND_FEED || kind === SourceKind.SOURCE_KIND_UNSPECIFIED) {
    if (raw && Object.keys(raw).length > 0) throw invalid('options', 'options: a feed takes no options (set kind to jsonApi or webPage)');
    return '';
  }
  if (!raw) throw invalid('options', `options are required for a ${kind === SourceKind.SOURCE_KIND_JSON_API ? 'JSON API (itemsPath, fields)' : 'web-page (itemSelector)'} source`);
  try {
    const options = kind === SourceKind.SOURCE_KIND_JSON_API ? readJsonApiOptions(raw, secretHeaderReader(secretNames)) : readWebPageOptions(raw);
    return JSON.stringify(options);
  } catch (error) {
    if (error instanceof SourceOptionsError) throw invalid(`options.${error.field}`, `options.${error.message}`);
    throw error;
  }
}

/** The options object, or undefined when none was given ('' or null). */
function parseOptions(optionsJson: string): Record<string, unknown> | undefined {
  const text = (optionsJson ?? '').trim();
  if (!text || text === 'null') return undefined;
  if (text.length > MAX_OPTIONS_JSON_LENGTH) throw invalid('options', `options are longer than ${MAX_OPTIONS_JSON_LENGTH} characters of JSON`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('options', 'options are not valid JSON');
  }
  if (!isMapping(value)) throw invalid('options', 'options must be an object');
  return value;
}

/**
 * A header of an API-defined source: a literal string, or {"secretRef": NAME} naming a configured
 * secret (stored as "env:NAME"). "env:" strings are config.yaml's spelling and are refused here so
 * that a literal value is never taken for a reference, or the reverse.
 */
function secretHeaderReader(secretNames: readonly string[]): HeaderValueReader {
  return (value, field) => {
    const name = field.slice('headers.'.length);
    if (typeof value === 'string') {
      if (SECRET_REFERENCE.test(value.trim())) throw new SourceOptionsError(field, `${field}: name a secret as {"secretRef": "NAME"}, not "env:…"`);
      if (isCredentialHeader(name)) {
        throw new SourceOptionsError(field, `${field} carries a credential: reference a configured secret as {"secretRef": "NAME"} instead of its value`);
      }
      return value;
    }
    if (!isMapping(value) || Object.keys(value).length !== 1 || typeof value['secretRef'] !== 'string') {
      throw new SourceOptionsError(field, `${field} must be a string or {"secretRef": "NAME"}`);
    }
    const secret = value['secretRef'].trim();
    if (!SECRET_NAME.test(secret) || !secretNames.includes(secret)) {
      throw new SourceOptionsError(`${field}.secretRef`, `${field}.secretRef "${secret.slice(0, 80)}" is not a configured source secret (SOURCE_SECRETS names them)`);
    }
    return `env:${secret}`;
  };
}

function invalid(field: string, message: string): DomainError {
  return DomainError.invalidArgument(message, { field });
}
