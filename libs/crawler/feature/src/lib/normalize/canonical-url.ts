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

/**
 * The canonical URL a page declares (<link rel=canonical>, og:url, JSON-LD url) in canonical form,
 * when it is on the page's own site (host equal but for a leading "www."); else null. A page cannot
 * claim another site's address: that would let it stand in for an article it is not.
 */
export function declaredCanonicalUrl(declared: string | null | undefined, pageUrl: string): string | null {
  const resolved = resolveHttpUrl(declared ?? '', pageUrl);
  if (!resolved) return null;
  const site = (url: string) => new URL(url).hostname.replace(/^www\./, '');
  try {
    return site(resolved) === site(pageUrl) ? canonicalUrl(resolved) : null;
  } catch {
    return null;
  }
}
