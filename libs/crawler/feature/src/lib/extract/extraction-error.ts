/** Why an article page could not be read at all (an unreadable-but-small page is an empty result, not an error). */
export enum ExtractionFailure {
  /** The page is larger than MAX_ARTICLE_HTML_CHARS: refused rather than parsed. */
  TooLarge = 'TOO_LARGE',
  /** The page URL is not an absolute http(s) URL, so links in it cannot be resolved. */
  InvalidUrl = 'INVALID_URL',
}

/** A page that extraction refused; the message is meant for the source's owner. */
export class ExtractionError extends Error {
  constructor(
    readonly reason: ExtractionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}

export function isExtractionError(error: unknown): error is ExtractionError {
  return error instanceof ExtractionError;
}
