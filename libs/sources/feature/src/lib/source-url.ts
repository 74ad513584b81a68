import { DomainError } from '@autoglm/shared-errors';

export const MIN_INTERVAL_SECONDS = 60;
export const MAX_INTERVAL_SECONDS = 86_400;

/**
 * Validates a URL a user wants to follow and returns its normalized form (lower-case scheme and
 * host, no fragment). Only absolute http(s) URLs with a host are accepted.
 */
export function normalizeSourceUrl(raw: string): string {
  const text = (raw ?? '').trim();
  if (!text) throw DomainError.invalidArgument('url is required');
  if (text.length > 2048) throw DomainError.invalidArgument('url is longer than 2048 characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw DomainError.invalidArgument(`"${truncate(text)}" is not a valid absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw DomainError.invalidArgument(`unsupported URL scheme "${url.protocol.replace(/:$/, '')}": only http and https feeds can be followed`);
  }
  if (!url.hostname) throw DomainError.invalidArgument('url has no host');
  if (url.username || url.password) throw DomainError.invalidArgument('url must not contain credentials');
  url.hash = '';
  return url.toString();
}

export function validateInterval(seconds: number, fallback: number): number {
  if (!seconds) return fallback;
  if (!Number.isInteger(seconds) || seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
    throw DomainError.invalidArgument(
      `intervalSeconds must be an integer between ${MIN_INTERVAL_SECONDS} and ${MAX_INTERVAL_SECONDS}, got ${seconds}`,
    );
  }
  return seconds;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
