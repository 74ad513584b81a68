/** Abbreviations whose trailing period does not end a sentence (lower-case, without the final dot). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'gen', 'gov', 'sen', 'rep', 'rev', 'col', 'lt', 'sgt', 'capt',
  'cmdr', 'adm', 'maj', 'hon', 'pres', 'supt', 'insp', 'inc', 'ltd', 'co', 'corp', 'bros', 'vs', 'etc', 'no', 'nos',
  'vol', 'fig', 'approx', 'dept', 'est', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov',
  'dec', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'ave', 'blvd', 'rd', 'cf', 'al', 'op', 'pp', 'ed', 'eds',
]);

/**
 * Splits text into sentences at . ! ? … and the full-width 。！？, keeping closing quotes and
 * brackets with their sentence. A period does not end a sentence after a known abbreviation
 * (Mr., Dr., etc.), after an initialism (U.S., e.g., i.e.), inside a number (3.14), or when the
 * next word starts in lower case.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  const length = text.length;
  let start = 0;
  for (let i = 0; i < length; i++) {
    const c = text[i] as string;
    let end: number;
    if (c === '。' || c === '！' || c === '？' || c === '\n') {
      end = i + 1;
    } else if (c === '.' || c === '!' || c === '?' || c === '…') {
      // A run of terminators ("?!", "...") ends together; a terminator must be followed by space or the end.
      let j = i + 1;
      while (j < length && /[.!?…]/.test(text[j] as string)) j++;
      j = skipClosers(text, j);
      if (j < length && !/\s/.test(text[j] as string)) {
        i = j - 1;
        continue;
      }
      if (c === '.' && j === i + 1 && !endsSentenceAt(text, i, j)) continue;
      end = j;
    } else {
      continue;
    }
    end = skipClosers(text, end);
    push(sentences, text.slice(start, end));
    start = end;
    i = end - 1;
  }
  push(sentences, text.slice(start));
  return sentences;
}

function push(sentences: string[], raw: string): void {
  const s = raw.replace(/\s+/g, ' ').trim();
  if (/[\p{L}\p{N}]/u.test(s)) sentences.push(s);
}

function skipClosers(text: string, from: number): number {
  let j = from;
  while (j < text.length && /["'”’»)\]」』】）]/.test(text[j] as string)) j++;
  return j;
}

/** Whether the single period at `dot` (followed by whitespace at `next`) ends a sentence. */
function endsSentenceAt(text: string, dot: number, next: number): boolean {
  let w = dot;
  while (w > 0 && /[\p{L}.]/u.test(text[w - 1] as string)) w--;
  const word = text.slice(w, dot);
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  // Initialisms (U.S., e.g., i.e., a.m.) and single initials (J. Smith) are usually followed by more of the sentence.
  if (/^(\p{L}\.)+\p{L}$/u.test(word) || /^\p{Lu}$/u.test(word)) return false;
  return !/^\p{Ll}/u.test(nextWord(text, next));
}

function nextWord(text: string, from: number): string {
  const m = /^\s*(\S+)/.exec(text.slice(from, from + 64));
  return m ? (m[1] as string) : '';
}
