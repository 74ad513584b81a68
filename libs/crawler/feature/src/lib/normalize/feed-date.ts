/**
 * The date formats feeds use, as feedparser's "Date Parsing" documents them: RFC 822 (RSS; 2- or
 * 4-digit years, with or without time or seconds, full month names), W3CDTF / RFC 3339 (Atom,
 * RSS 1.0, Dublin Core; reduced precision yyyy and yyyy-mm), the ISO 8601 compact and ordinal forms
 * (yyyymmdd, yymmdd, -yy-mm, -yymm, -yy-mm-dd, yyyy-ooo, yyooo), asctime, and the localized forms
 * feedparser reads (Korean, Greek, Hungarian). Out-of-range fields roll over as feedparser
 * documents ("31 Jun" is 1 July, "25:14" is 01:14 the next day). A date without a zone is UTC.
 *
 * One documented rule is not followed: feedparser reads a zone-less "yyyy-mm-dd hh:mm:ss" (its
 * "MSSQL" format) as Korean time (+09:00), a guess that shifts most such dates by nine hours.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * RFC 822 §5 zones in minutes east of UTC: UT/GMT/Z, the North American zones, and the military
 * letters (A–I, K–M west… as RFC 822 writes them: A is -1, M is -12, N is +1, Y is +12). Plus the
 * invalid abbreviations feedparser accepts: AT, ET, CT, MT, PT as AST, EST, CST, MST, PST.
 */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  ast: -4 * 60, adt: -3 * 60, at: -4 * 60,
  est: -5 * 60, edt: -4 * 60, et: -5 * 60,
  cst: -6 * 60, cdt: -5 * 60, ct: -6 * 60,
  mst: -7 * 60, mdt: -6 * 60, mt: -7 * 60,
  pst: -8 * 60, pdt: -7 * 60, pt: -8 * 60,
};
for (const [i, letter] of [...'abcdefghiklm'].entries()) ZONES[letter] = -(i + 1) * 60;
for (const [i, letter] of [...'nopqrstuvwxy'].entries()) ZONES[letter] = (i + 1) * 60;

const ZONE = String.raw`([a-z]{1,5}|[+-]\d{4}|[+-]\d{2}:\d{2}|[+-]\d{2})`;
const RFC822 = new RegExp(
  String.raw`^(?:[a-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([a-z]{3,9})\.?,?[\s-]+(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*${ZONE})?)?$`,
  'i',
);
/** asctime: "Sun Jan  4 16:29:06 PST 2004" (the zone is optional). */
const ASCTIME = new RegExp(String.raw`^[a-z]{3,9},?\s+([a-z]{3,9})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\s+${ZONE})?\s+(\d{4})$`, 'i');
/** W3CDTF / RFC 3339 and the extended ISO 8601 forms: yyyy, yyyy-mm, yyyy-mm-dd, yyyy-ooo, with a time. */
const W3CDTF = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-(\d{3}))?(?:[t\s](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** Basic (compact) ISO 8601: yyyymmdd, yymmdd, yyooo, with an optional Thhmmss[zone]. */
const ISO_BASIC = /^(\d{4}|\d{2})(?:(\d{2})(\d{2})|(\d{3}))(?:t(\d{2}):?(\d{2})(?::?(\d{2}))?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** ISO 8601 with the century left out: -yy-mm, -yymm, -yy-mm-dd. */
const ISO_TRUNCATED = /^-(\d{2})-?(\d{2})(?:-(\d{2}))?$/;
/** Korean (as Korean blogging tools wrote it): "2004-05-25 오후 11:23:17", Korea time. */
const KOREAN = /^(\d{4})-(\d{2})-(\d{2})\s+(오전|오후)\s+(\d{1,2}):(\d{2}):(\d{2})$/;

const GREEK_MONTHS: Record<string, number> = {
  ιαν: 0, φεβ: 1, μάώ: 2, μαώ: 2, μαρ: 2, απρ: 3, μάι: 4, μαϊ: 4, μαι: 4, ιούν: 5, ιον: 5, ιούλ: 6, ιολ: 6,
  αύγ: 7, αυγ: 7, σεπ: 8, οκτ: 9, νοέ: 10, νοε: 10, δεκ: 11,
};
const GREEK = /^[\p{L}]{2,4},\s*(\d{1,2})\s+([\p{L}]{3,4})\s+(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*([a-z]{1,5}|[+-]\d{4})?$/iu;
const HUNGARIAN_MONTHS = ['január', 'február', 'március', 'április', 'május', 'június', 'július', 'augusztus', 'szeptember', 'október', 'november', 'december'];
const HUNGARIAN = /^(\d{4})-([\p{L}]+)-(\d{1,2})t(\d{1,2}):(\d{2})(z|[+-]\d{2}:?\d{2})?$/iu;

/** Parses a feed date; null when missing or in no format feedparser recognises. */
export function parseFeedDate(raw: string | undefined | null): Date | null {
  const text = raw?.trim().replace(/\s+/g, ' ');
  if (!text) return null;
  return parseW3cdtf(text) ?? parseIsoBasic(text) ?? parseIsoTruncated(text) ?? parseRfc822(text) ?? parseAsctime(text) ?? parseLocalized(text);
}

function parseW3cdtf(text: string): Date | null {
  const m = W3CDTF.exec(text);
  if (!m) return null;
  const [, y, mo, d, ordinal, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  if (h !== '0' && mo === undefined && ordinal === undefined) return null; // "2003 10:00" is no format
  const ms = frac ? Math.round(Number(`0.${frac.slice(0, 6)}`) * 1000) : 0;
  if (ordinal !== undefined) return fromOrdinal(Number(y), Number(ordinal), Number(h), Number(mi), Number(s), ms, zoneOffset(zone ?? 'z'));
  return build(Number(y), Number(mo ?? '1'), Number(d ?? '1'), Number(h), Number(mi), Number(s), ms, zoneOffset(zone ?? 'z'));
}

function parseIsoBasic(text: string): Date | null {
  const m = ISO_BASIC.exec(text);
  if (!m) return null;
  const [, y, mo, d, ordinal, h = '0', mi = '0', s = '0', zone] = m;
  const year = fullYear(y);
  const offset = zoneOffset(zone ?? 'z');
  if (ordinal !== undefined) return fromOrdinal(year, Number(ordinal), Number(h), Number(mi), Number(s), 0, offset);
  return build(year, Number(mo), Number(d), Number(h), Number(mi), Number(s), 0, offset);
}

function parseIsoTruncated(text: string): Date | null {
  const m = ISO_TRUNCATED.exec(text);
  if (!m) return null;
  return build(fullYear(m[1]), Number(m[2]), Number(m[3] ?? '1'), 0, 0, 0, 0, 0);
}

function parseRfc822(text: string): Date | null {
  const m = RFC822.exec(text);
  if (!m) return null;
  const [, d, monthName, y, h = '0', mi = '0', s = '0', zone] = m;
  const month = monthOf(monthName);
  if (month === null) return null;
  return build(rfc822Year(y), month + 1, Number(d), Number(h), Number(mi), Number(s), 0, zoneOffset(zone ?? 'gmt'));
}

function parseAsctime(text: string): Date | null {
  const m = ASCTIME.exec(text);
  if (!m) return null;
  const [, monthName, d, h, mi, s, zone, y] = m;
  const month = monthOf(monthName);
  if (month === null) return null;
  return build(Number(y), month + 1, Number(d), Number(h), Number(mi), Number(s), 0, zoneOffset(zone ?? 'gmt'));
}

function parseLocalized(text: string): Date | null {
  const korean = KOREAN.exec(text);
  if (korean) {
    const [, y, mo, d, half, h, mi, s] = korean;
    const hour = (Number(h) % 12) + (half === '오후' ? 12 : 0);
    return build(Number(y), Number(mo), Number(d), hour, Number(mi), Number(s), 0, 9 * 60);
  }
  const greek = GREEK.exec(text);
  if (greek) {
    const [, d, monthName, y, h, mi, s, zone] = greek;
    const month = GREEK_MONTHS[monthName.toLowerCase()];
    if (month === undefined) return null;
    return build(Number(y), month + 1, Number(d), Number(h), Number(mi), Number(s), 0, zoneOffset(zone ?? 'gmt'));
  }
  const hungarian = HUNGARIAN.exec(text);
  if (hungarian) {
    const [, y, monthName, d, h, mi, zone] = hungarian;
    const month = HUNGARIAN_MONTHS.indexOf(monthName.toLowerCase());
    if (month < 0) return null;
    return build(Number(y), month + 1, Number(d), Number(h), Number(mi), 0, 0, zoneOffset(zone ?? 'z'));
  }
  return null;
}

/** A month from its English name or abbreviation ("Jan", "January", "Sept"). */
function monthOf(name: string): number | null {
  const lower = name.toLowerCase();
  const index = MONTHS.indexOf(lower.slice(0, 3));
  if (index < 0) return null;
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'][index];
  return lower.length === 3 || full.startsWith(lower) ? index : null;
}

/** RFC 822's two-digit years: feedparser reads them as this century before 50… well, 19xx from 50 on. */
function rfc822Year(y: string): number {
  const year = Number(y);
  if (y.length === 4) return year;
  return year + (year < 50 ? 2000 : 1900);
}

/** ISO 8601 two-digit years (century omitted) are taken as 20yy — fixed, not read from a clock. */
function fullYear(y: string): number {
  return y.length === 2 ? 2000 + Number(y) : Number(y);
}

/** Minutes east of UTC; null for a malformed offset. Unknown zone names are read as UTC. */
function zoneOffset(zone: string): number | null {
  const z = zone.toLowerCase();
  if (z in ZONES) return ZONES[z];
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (m) {
    if (Number(m[2]) > 14 || Number(m[3] ?? '0') > 59) return null;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
    return m[1] === '-' ? -minutes : minutes;
  }
  return /^[a-z]+$/.test(z) ? 0 : null;
}

function fromOrdinal(year: number, ordinal: number, hour: number, minute: number, second: number, ms: number, offset: number | null): Date | null {
  if (ordinal < 1 || ordinal > 366) return null;
  const start = Date.UTC(year, 0, 1);
  const day = new Date(start + (ordinal - 1) * 86_400_000);
  return build(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, minute, second, ms, offset);
}

/**
 * A date from its fields (month 1–12). The month must exist; a day, hour, minute or second past
 * its range rolls over into the next unit, as feedparser's normalisation does; absurd values
 * (a day past 31, an hour past 47, minutes or seconds past 99) are not a date.
 */
function build(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number | null): Date | null {
  if (offset === null || month < 1 || month > 12 || day < 1 || day > 31 || hour > 47 || minute > 99 || second > 99) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (Number.isNaN(utc)) return null;
  const date = new Date(utc);
  // Date.UTC maps years 0–99 to 1900–1999: set the year as written.
  if (year < 100) date.setUTCFullYear(date.getUTCFullYear() - 1900);
  return new Date(date.getTime() - offset * 60_000);
}
