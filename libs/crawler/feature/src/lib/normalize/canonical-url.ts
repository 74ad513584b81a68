const TRACKING_PARAM = /^(?:utm_.*|fbclid|gclid|spm|mc_cid|mc_eid)$/i;

/** `raw` resolved against `base` when it is an http(s) URL, else null (javascript:, mailto:, garbage). */
export function resolveHttpUrl(raw: string | undefined, base: string): string | null {
  const text = raw?.trim();
  if (!text) return null;
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The form of a URL used to recognise the same article: lower-case host (the WHATWG parser
 * does that and drops default ports), no fragment, no tracking parameters.
 */
export function canonicalUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.trim();
  }
  parsed.hash = '';
  const tracking = [...new Set([...parsed.searchParams.keys()].filter((k) => TRACKING_PARAM.test(k)))];
  // The query is rewritten only when something is removed, so other parameters keep their encoding.
  if (tracking.length > 0) {
    for (const key of tracking) parsed.searchParams.delete(key);
    if ([...parsed.searchParams.keys()].length === 0) parsed.search = '';
  }
  return parsed.href;
}
