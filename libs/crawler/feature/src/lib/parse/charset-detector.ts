/**
 * Guesses the legacy encoding of bytes that declare none and are not UTF-8. Every candidate
 * decodes the text (multi-byte candidates must decode without a single invalid sequence); each
 * reading is scored by how much of its non-ASCII text looks like the language the encoding is
 * used for, and the best reading wins (ties go to the earlier candidate).
 *
 * The scores are deliberately simple: the share of characters in the expected script, with the
 * two confusions that matter in practice handled explicitly — CJK double-byte encodings share
 * byte ranges (Korean read as Chinese is all valid Hanzi; Chinese read as Korean mixes Hangul and
 * Hanja inside words, which Korean does not), and single-byte encodings all decode anything (so
 * letters are weighted by how common they are in the language).
 */

interface Candidate {
  encoding: string;
  /** Sum of the scores of the non-ASCII characters (roughly -1 … 1 each, weighted by their byte length). */
  score: (sample: Buffer, text: string) => number;
  multiByte: boolean;
}

const SAMPLE_BYTES = 64 * 1024;

type CharClass = 'common' | 'kana' | 'kanji' | 'hangul' | 'hanja' | 'punctuation' | 'symbol' | 'rare';

/** Reads a double-byte encoding pair by pair, classifying each character by the rows it comes from. */
function doubleByteScore(
  classify: (lead: number, trail: number) => CharClass,
  weights: Partial<Record<CharClass, number>>,
  singleByte: (byte: number) => boolean = () => false,
  glued?: [CharClass, CharClass],
): (sample: Buffer) => number {
  return (sample) => {
    let score = 0;
    let previous: CharClass | null = null;
    for (let i = 0; i < sample.length; i++) {
      const lead = sample[i] ?? 0;
      if (lead < 0x80) {
        previous = null;
        continue;
      }
      let cls: CharClass;
      let width = 2;
      if (singleByte(lead)) {
        cls = 'rare';
        width = 1;
      } else {
        cls = classify(lead, sample[i + 1] ?? 0);
        i++;
      }
      score += (weights[cls] ?? -0.5) * width;
      // Hanja glued to Hangul inside a word is what Chinese text looks like through a Korean decoder.
      if (glued && previous && ((previous === glued[0] && cls === glued[1]) || (previous === glued[1] && cls === glued[0]))) score -= 4;
      previous = cls;
    }
    return score;
  };
}

const inRange = (b: number, lo: number, hi: number) => b >= lo && b <= hi;

// GB2312 rows: A1 punctuation, A3 full-width ASCII, A4/A5 kana, B0–F7 Hanzi (B0–D7 the 3,755 most common); the rest is GBK's extension.
const gbk = doubleByteScore(
  (lead, trail) => {
    if (!inRange(trail, 0xa1, 0xfe)) return 'rare';
    if (inRange(lead, 0xb0, 0xd7)) return 'common';
    if (inRange(lead, 0xd8, 0xf7)) return 'kanji';
    if (lead === 0xa1 || lead === 0xa3) return 'punctuation';
    return 'rare';
  },
  { common: 1, kanji: 0.6, punctuation: 1, rare: -0.5 },
);

// Big5: A1–A3 symbols, A4–C6 frequent Hanzi, C9–F9 less frequent ones.
const big5 = doubleByteScore(
  (lead) => {
    if (inRange(lead, 0xa4, 0xc6)) return 'common';
    if (inRange(lead, 0xc9, 0xf9)) return 'kanji';
    if (inRange(lead, 0xa1, 0xa3)) return 'punctuation';
    return 'rare';
  },
  { common: 1, kanji: 0.4, punctuation: 0.8, rare: -0.5 },
);

// EUC-JP (JIS X 0208): A1 punctuation, A3 full-width alphanumerics, A4 hiragana, A5 katakana, B0–F4 Kanji.
const eucJp = doubleByteScore(
  (lead) => {
    if (lead === 0xa4 || lead === 0xa5) return 'kana';
    if (lead === 0xa1 || lead === 0xa3) return 'punctuation';
    if (inRange(lead, 0xb0, 0xf4)) return 'kanji';
    return 'rare';
  },
  { kana: 1, punctuation: 1, kanji: 0.8, rare: -0.5 },
);

// Shift_JIS: 81 punctuation, 82 hiragana and full-width alphanumerics, 83 katakana, 88–9F and E0–EA Kanji;
// single bytes A1–DF are half-width katakana, rare in text written this century.
const shiftJis = doubleByteScore(
  (lead) => {
    if (lead === 0x82 || lead === 0x83) return 'kana';
    if (lead === 0x81) return 'punctuation';
    if (inRange(lead, 0x88, 0x9f) || inRange(lead, 0xe0, 0xea)) return 'kanji';
    return 'rare';
  },
  { kana: 1, punctuation: 1, kanji: 0.8, rare: -0.5 },
  (byte) => inRange(byte, 0xa1, 0xdf),
);

// EUC-KR (KS X 1001): A1 punctuation, A3 full-width ASCII, B0–C8 Hangul syllables, CA–FD Hanja.
const eucKr = doubleByteScore(
  (lead, trail) => {
    if (!inRange(trail, 0xa1, 0xfe)) return 'rare';
    if (inRange(lead, 0xb0, 0xc8)) return 'hangul';
    if (inRange(lead, 0xca, 0xfd)) return 'hanja';
    if (lead === 0xa1 || lead === 0xa3) return 'punctuation';
    return 'rare';
  },
  { hangul: 1.1, hanja: 0, punctuation: 1, rare: -0.5 },
  () => false,
  ['hangul', 'hanja'],
);

/** Scores a single-byte reading: common letters of the language count fully, other letters of the script a little. */
function alphabet(common: string, script: (c: number) => boolean): (sample: Buffer, text: string) => number {
  const frequent = new Set([...common]);
  return (_sample, text) => {
    let score = 0;
    for (const ch of text) {
      if ((ch.codePointAt(0) ?? 0) < 0x80) continue;
      const lower = ch.toLowerCase();
      if (frequent.has(lower)) score += 1;
      else if (script(lower.codePointAt(0) ?? 0)) score += 0.25;
      else if (/[\u00a0-\u00bf\u2010-\u2027\u20ac]/.test(ch)) score -= 0.25;
      else score -= 1;
    }
    return score;
  };
}

const CANDIDATES: Candidate[] = [
  { encoding: 'gbk', score: gbk, multiByte: true },
  { encoding: 'big5', score: big5, multiByte: true },
  { encoding: 'euc-jp', score: eucJp, multiByte: true },
  { encoding: 'shift_jis', score: shiftJis, multiByte: true },
  { encoding: 'euc-kr', score: eucKr, multiByte: true },
  { encoding: 'windows-1252', score: alphabet('éèàçüöäáíóúñêâôßãõ', (c) => c >= 0xc0 && c <= 0xff), multiByte: false },
  { encoding: 'windows-1251', score: alphabet('оеаинтсрвлкмдпуяыь', (c) => c >= 0x430 && c <= 0x44f), multiByte: false },
  { encoding: 'koi8-r', score: alphabet('оеаинтсрвлкмдпуяыь', (c) => c >= 0x430 && c <= 0x44f), multiByte: false },
  { encoding: 'windows-1255', score: alphabet('יוהאלמרתבנשעכדקםןפ', (c) => c >= 0x5d0 && c <= 0x5ea), multiByte: false },
  { encoding: 'windows-1256', score: alphabet('اليمونرتبةعهدسك', (c) => c >= 0x620 && c <= 0x64a), multiByte: false },
  { encoding: 'windows-1253', score: alphabet('αοετινσρκπυλμηςό', (c) => c >= 0x3ac && c <= 0x3ce), multiByte: false },
  { encoding: 'windows-1250', score: alphabet('ěščřžýáíéůąęłńśźżó', (c) => c >= 0xc0 && c <= 0x17f), multiByte: false },
  { encoding: 'windows-874', score: alphabet('าน่อเกรมงยิทลสดวี้ค', (c) => c >= 0xe01 && c <= 0xe5b), multiByte: false },
  { encoding: 'windows-1254', score: alphabet('ışğüçöâî', (c) => c >= 0xc0 && c <= 0x17f), multiByte: false },
];

/** The encoding the bytes most plausibly are in, or null when none reads as text. */
export function detectEncoding(body: Buffer): string | null {
  const cut = body.length > SAMPLE_BYTES;
  const whole = body.subarray(0, SAMPLE_BYTES);
  let best: { encoding: string; score: number } | null = null;
  for (const candidate of CANDIDATES) {
    const reading = decodeSample(whole, candidate, cut);
    if (!reading) continue;
    const nonAsciiBytes = reading.sample.reduce((n, b) => n + (b >= 0x80 ? 1 : 0), 0);
    if (nonAsciiBytes === 0) return null;
    // Per byte of non-ASCII input, so one double-byte character and two single-byte ones weigh the same.
    const perByte = candidate.score(reading.sample, reading.text) / nonAsciiBytes;
    if (!best || perByte > best.score) best = { encoding: candidate.encoding, score: perByte };
  }
  return best && best.score > 0 ? best.encoding : null;
}

/**
 * The sample as text, or null when a multi-byte candidate finds an invalid sequence. A sample
 * cut from a longer body may end inside a character: up to three trailing bytes may be dropped.
 */
function decodeSample(whole: Buffer, candidate: Candidate, cut: boolean): { sample: Buffer; text: string } | null {
  const decoder = new TextDecoder(candidate.encoding, { fatal: candidate.multiByte });
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    const sample = whole.subarray(0, whole.length - drop);
    try {
      return { sample, text: decoder.decode(sample) };
    } catch {
      // try a shorter sample
    }
  }
  return null;
}
