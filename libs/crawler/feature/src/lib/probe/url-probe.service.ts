import { Inject, Injectable } from '@nestjs/common';
import type { crawler } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { assertUnreachable, DomainError } from '@autoglm/shared-errors';
import { FetchError, FetchFailure, isFetchError } from '../fetch/fetch-error';
import { GuardedFetcher } from '../fetch/guarded-fetcher';

/** The probe answers while a user waits to register a source: it never waits longer than this. */
const PROBE_DEADLINE_MS = 5_000;

/** Checks that a URL may be fetched and answers, before a source is registered. */
@Injectable()
export class UrlProbe {
  private readonly deadlineMs: number;

  constructor(
    private readonly fetcher: GuardedFetcher,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.deadlineMs = Math.min(PROBE_DEADLINE_MS, config.crawler.timeoutMs);
  }

  /** The final URL, HTTP status (errors included) and content type; refusals and unreachable hosts throw. */
  async probe(url: string): Promise<crawler.ProbeUrlResponse> {
    if (!url?.trim()) throw DomainError.invalidArgument('url is required');
    try {
      const response = await this.fetcher.fetch(url, { timeoutMs: this.deadlineMs, acceptAnyStatus: true, skipBody: true });
      return { finalUrl: response.finalUrl, httpStatus: response.status, contentType: response.contentType };
    } catch (error) {
      if (isFetchError(error)) throw probeError(error, url);
      throw error;
    }
  }
}

function probeError(error: FetchError, url: string): DomainError {
  switch (error.reason) {
    case FetchFailure.InvalidUrl:
    case FetchFailure.UnsupportedScheme:
    case FetchFailure.BlockedAddress:
      return DomainError.invalidArgument(error.message, { reason: error.reason });
    case FetchFailure.DnsFailure:
    case FetchFailure.ConnectFailure:
    case FetchFailure.Timeout:
    case FetchFailure.TooManyRedirects:
    case FetchFailure.TooLarge:
    case FetchFailure.HttpStatus:
    case FetchFailure.BadResponse:
      return DomainError.failedPrecondition(`could not reach ${hostOf(url)}: ${error.message}`, { reason: error.reason });
    default:
      return assertUnreachable(error.reason, 'fetch failure');
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url.trim()).host;
  } catch {
    return url;
  }
}
