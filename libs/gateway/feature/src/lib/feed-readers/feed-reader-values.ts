import type { Timestamp } from '@autoglm/contracts';

/** Whole unix seconds of a timestamp (0 when absent), as both protocols write times. */
export function unixSeconds(ts: Timestamp | undefined): number {
  return ts ? Number(ts.seconds) : 0;
}

/** The site of a feed or article URL (its origin), for htmlUrl / site_url; '' when it is no URL. */
export function siteOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
