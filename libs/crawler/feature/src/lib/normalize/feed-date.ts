const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// RFC 822 zones (RFC 1123 §5.2.14 keeps them). Other names (military letters, CET, JST…) are
// ambiguous or unreliable in feeds: they are read as UTC, better a date a few hours off than none.
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -5 * 60, edt: -4 * 60, cst: -6 * 60, cdt: -5 * 60,
  mst: -7 * 60, mdt: -6 * 60, pst: -8 * 60, pdt: -7 * 60,
};

const RFC822 =
  /^(?:[a-z]{3,9},?\s*)?(\d{1,2})[\s-]+([a-z]{3,9})\.?[\s-]+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([a-z]{1,5}|[+-]\d{4}|[+-]\d{2}:\d{2}))?$/i;
const ISO8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses the dates feeds use: RFC 822 (RSS) and ISO 8601 / RFC 3339 (Atom, JSON Feed, Dublin
 * Core). A date without a zone is taken as UTC. Null when missing or not a real date.
 */
export function parseFeedDate(raw: string | undefined | null): Date | null {
  const text = raw?.trim().replace(/\s+/g, ' ');
  if (!text) return null;
  return parseIso(text) ?? parseRfc822(text);
}

function parseIso(text: string): Date | null {
  const m = ISO8601.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return build(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms, zoneOffset(zone ?? 'z'));
}

function parseRfc822(text: string): Date | null {
  const m = RFC822.exec(text);
  if (!m) return null;
  const [, d, monthName, y, h, mi, s = '0', zone] = m;
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase());
  if (month < 0) return null;
  let year = Number(y);
  if (y.length === 2) year += year < 50 ? 2000 : 1900;
  const offset = zoneOffset(zone ?? 'gmt');
  if (offset === null) return null;
  return build(year, month, Number(d), Number(h), Number(mi), Number(s), 0, offset);
}

/** Minutes east of UTC, or null for a malformed offset. */
function zoneOffset(zone: string): number | null {
  const z = zone.toLowerCase();
  if (z in ZONES) return ZONES[z];
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
    if (Number(m[2]) > 14 || Number(m[3] ?? '0') > 59) return null;
    return m[1] === '-' ? -minutes : minutes;
  }
  return /^[a-z]+$/.test(z) ? 0 : null;
}

function build(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number | null): Date | null {
  if (offset === null || hour > 24 || minute > 59 || second > 60 || day < 1 || day > 31 || month < 0 || month > 11) return null;
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms);
  // Date.UTC rolls 31 February over into March: such a date is invalid.
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return null;
  if (hour === 24 && (minute !== 0 || second !== 0)) return null;
  return new Date(utc - offset * 60_000);
}
