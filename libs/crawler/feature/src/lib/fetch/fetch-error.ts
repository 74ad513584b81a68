/** Why a guarded fetch failed. */
export enum FetchFailure {
  InvalidUrl = 'INVALID_URL',
  UnsupportedScheme = 'UNSUPPORTED_SCHEME',
  BlockedAddress = 'BLOCKED_ADDRESS',
  DnsFailure = 'DNS_FAILURE',
  ConnectFailure = 'CONNECT_FAILURE',
  Timeout = 'TIMEOUT',
  TooLarge = 'TOO_LARGE',
  TooManyRedirects = 'TOO_MANY_REDIRECTS',
  HttpStatus = 'HTTP_STATUS',
  /** The body could not be decompressed. */
  BadResponse = 'BAD_RESPONSE',
}

/** A fetch that did not produce a usable response; the message is meant for the source's owner. */
export class FetchError extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
    /** The HTTP status, for FetchFailure.HttpStatus. */
    readonly status = 0,
    /** The raw Retry-After header of an HTTP error (seconds or an HTTP date); empty when absent. */
    readonly retryAfter = '',
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export function isFetchError(error: unknown): error is FetchError {
  return error instanceof FetchError;
}
