import { readFeed } from './feed-reader';
import { decodeDocument } from './charset';
import { decodeBytes } from './text-decoders';

// Every encoding a feed reader meets (the WHATWG list, plus UTF-32 which XML and feedparser read),
// each with a title written in the script it is used for. The bytes are produced by inverting the
// decoder (every byte / byte pair is decoded once and the table reversed), so the fixtures are the
// published code tables, not our own reading of them.

const URL = 'http://127.0.0.1/feed.xml';

const reverseTables = new Map<string, Map<string, number[]>>();

/** char → bytes of a single- or double-byte encoding, from its decoder. */
function reverseTable(encoding: string): Map<string, number[]> {
  const cached = reverseTables.get(encoding);
  if (cached) return cached;
  const table = new Map<string, number[]>();
  const add = (bytes: number[]) => {
    let text: string;
    try {
      text = decodeBytes(Uint8Array.from(bytes), encoding, true);
    } catch {
      return;
    }
    if ([...text].length === 1 && text !== '\ufffd' && !table.has(text)) table.set(text, bytes);
  };
  for (let b = 0; b < 0x100; b++) add([b]);
  if (DOUBLE_BYTE.has(encoding)) for (let lead = 0x81; lead <= 0xfe; lead++) for (let trail = 0x40; trail <= 0xfe; trail++) add([lead, trail]);
  reverseTables.set(encoding, table);
  return table;
}

const DOUBLE_BYTE = new Set(['gbk', 'gb18030', 'big5', 'euc-jp', 'shift_jis', 'euc-kr']);

/** The text in the encoding; throws when a character has no code in it (a broken fixture, not a broken parser). */
function encode(text: string, encoding: string): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-16le':
      return Buffer.from(text, 'utf16le');
    case 'utf-16be':
      return Buffer.from(text, 'utf16le').swap16();
    case 'utf-32le':
    case 'utf-32be': {
      const codes = [...text].map((c) => c.codePointAt(0) ?? 0);
      const out = Buffer.alloc(codes.length * 4);
      codes.forEach((code, i) => (encoding === 'utf-32le' ? out.writeUInt32LE(code, i * 4) : out.writeUInt32BE(code, i * 4)));
      return out;
    }
    case 'iso-2022-jp': {
      // JIS X 0208 rows are EUC-JP's bytes without the high bit, between ESC $ B and ESC ( B.
      const parts: number[] = [];
      let jis = false;
      for (const ch of text) {
        const bytes = ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : (reverseTable('euc-jp').get(ch) ?? fixtureError(ch, encoding));
        const wide = bytes.length === 2;
        if (wide !== jis) parts.push(...(wide ? [0x1b, 0x24, 0x42] : [0x1b, 0x28, 0x42]));
        jis = wide;
        parts.push(...bytes.map((b) => (wide ? b & 0x7f : b)));
      }
      if (jis) parts.push(0x1b, 0x28, 0x42);
      return Buffer.from(parts);
    }
  }
  const table = reverseTable(encoding);
  return Buffer.from([...text].flatMap((ch) => table.get(ch) ?? fixtureError(ch, encoding)));
}

function fixtureError(ch: string, encoding: string): never {
  throw new Error(`fixture: ${ch} has no code in ${encoding}`);
}

function feedBytes(title: string, encoding: string, declaration?: string): Buffer {
  const prolog = declaration ? `<?xml version="1.0" encoding="${declaration}"?>` : '';
  return encode(`${prolog}<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title><link>http://example.com/1</link></item></channel></rss>`, encoding);
}

const BOMS: Record<string, number[]> = {
  'utf-8': [0xef, 0xbb, 0xbf],
  'utf-16le': [0xff, 0xfe],
  'utf-16be': [0xfe, 0xff],
  'utf-32le': [0xff, 0xfe, 0x00, 0x00],
  'utf-32be': [0x00, 0x00, 0xfe, 0xff],
};

/** [encoding as labelled, canonical name, a title in the script the encoding is for]. */
const ENCODINGS: Array<[string, string, string]> = [
  ['windows-874', 'windows-874', 'ข่าววันนี้ภาษาไทย'],
  ['TIS-620', 'windows-874', 'ข่าววันนี้ภาษาไทย'],
  ['ISO-8859-1', 'windows-1252', 'Déjà vu à la crème brûlée'],
  ['ISO-8859-2', 'iso-8859-2', 'Zażółć gęślą jaźń'],
  ['ISO-8859-3', 'iso-8859-3', 'Ħal Għargħur u ċ ġ ż'],
  ['ISO-8859-4', 'iso-8859-4', 'Ąžuolas ūkis ģimene ļ ņ'],
  ['ISO-8859-5', 'iso-8859-5', 'Новости дня'],
  ['ISO-8859-6', 'iso-8859-6', 'أخبار اليوم'],
  ['ISO-8859-7', 'iso-8859-7', 'Ειδήσεις της ημέρας'],
  ['ISO-8859-8', 'iso-8859-8', 'חדשות היום'],
  ['ISO-8859-8-I', 'iso-8859-8-i', 'חדשות היום'],
  ['ISO-8859-10', 'iso-8859-10', 'Þjóðskrá ŋ ĸ ŧ'],
  ['ISO-8859-13', 'iso-8859-13', 'Šiandien žinios: ąčęėįšųūž'],
  ['ISO-8859-14', 'iso-8859-14', 'Ŵyn a ŷ ẁ ḃ'],
  ['ISO-8859-15', 'iso-8859-15', 'Œuvre à 5 € pour le cœur'],
  ['ISO-8859-16', 'iso-8859-16', 'Știri din România: țară'],
  ['KOI8-R', 'koi8-r', 'Новости дня'],
  ['KOI8-U', 'koi8-u', 'Новини України: ґанок, їжак'],
  ['IBM866', 'ibm866', 'Новости дня'],
  ['x-mac-cyrillic', 'x-mac-cyrillic', 'Новости дня'],
  ['macintosh', 'macintosh', 'Déjà vu à la crème'],
  ['windows-1250', 'windows-1250', 'Příliš žluťoučký kůň'],
  ['windows-1251', 'windows-1251', 'Новости дня'],
  ['windows-1252', 'windows-1252', 'Déjà vu “quoted” – €'],
  ['windows-1253', 'windows-1253', 'Ειδήσεις της ημέρας'],
  ['windows-1254', 'windows-1254', 'Türkçe haberler: ğış'],
  ['windows-1255', 'windows-1255', 'חדשות היום'],
  ['windows-1256', 'windows-1256', 'أخبار اليوم'],
  ['windows-1257', 'windows-1257', 'Šiandien žinios: ąčęėįšųūž'],
  ['windows-1258', 'windows-1258', 'Đương thơ ư'],
  ['GBK', 'gbk', '今天的新闻'],
  ['GB2312', 'gbk', '今天的新闻'],
  ['GB18030', 'gb18030', '今天的新闻'],
  ['Big5', 'big5', '今天的新聞'],
  ['EUC-JP', 'euc-jp', '今日のニュース'],
  ['ISO-2022-JP', 'iso-2022-jp', '今日のニュース'],
  ['Shift_JIS', 'shift_jis', '今日のニュース'],
  ['EUC-KR', 'euc-kr', '오늘의 뉴스'],
  ['UTF-8', 'utf-8', 'Новости · 新闻 · ニュース · 뉴스'],
  ['UTF-16LE', 'utf-16le', 'Новости · 新闻 · ニュース · 뉴스'],
  ['UTF-16BE', 'utf-16be', 'Новости · 新闻 · ニュース · 뉴스'],
  ['UTF-32LE', 'utf-32le', 'Новости · 新闻 · 𝒳 · 뉴스'],
  ['UTF-32BE', 'utf-32be', 'Новости · 新闻 · 𝒳 · 뉴스'],
];

describe(`${readFeed.name}: every encoding`, () => {
  describe.each(ENCODINGS)('%s', (label, canonical, title) => {
    it(`reads "${title}" when the Content-Type charset names it`, () => {
      const sut = readFeed({ body: feedBytes(title, canonical), contentType: `application/rss+xml; charset=${label}`, url: URL });

      expect(sut.encoding).toBe(canonical);
      expect(sut.title).toBe(title);
      expect(sut.items[0]?.title).toBe(title);
    });

    it('reads it when only the XML declaration names it', () => {
      const sut = readFeed({ body: feedBytes(title, canonical, label), contentType: 'application/xml', url: URL });

      expect(sut.encoding).toBe(canonical);
      expect(sut.title).toBe(title);
    });
  });

  describe.each(Object.entries(BOMS))('%s with a byte order mark', (encoding, bom) => {
    it('reads it whatever the header and the declaration say', () => {
      const title = 'Новости · 新闻 · 뉴스';
      const body = Buffer.concat([Buffer.from(bom), feedBytes(title, encoding, 'iso-8859-1')]);

      const sut = readFeed({ body, contentType: 'text/xml; charset=windows-1252', url: URL });

      expect(sut.encoding).toBe(encoding);
      expect(sut.title).toBe(title);
    });
  });

  describe('without a byte order mark or a declaration (XML 1.0 appendix F)', () => {
    it.each(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'])('sniffs %s from the zero bytes around "<"', (encoding) => {
      const sut = readFeed({ body: feedBytes('Новости 新闻', encoding), contentType: '', url: URL });

      expect(sut).toMatchObject({ encoding, title: 'Новости 新闻' });
    });

    it.each(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'])('sniffs %s after leading whitespace', (encoding) => {
      const body = Buffer.concat([encode('\n  ', encoding), feedBytes('Новости', encoding)]);

      expect(readFeed({ body, contentType: '', url: URL })).toMatchObject({ encoding, title: 'Новости' });
    });

    it('keeps a sniffed UTF-16 reading with one unpaired surrogate (U+FFFD there) rather than reading zero bytes as UTF-8', () => {
      const text = feedBytes('Новости дня: события в стране и мире', 'utf-16le');
      const at = text.indexOf(Buffer.from('</title>', 'utf16le'));
      const body = Buffer.concat([text.subarray(0, at), Buffer.from([0x00, 0xd8]), text.subarray(at)]);

      const sut = readFeed({ body, contentType: 'application/xml', url: URL });

      expect(sut).toMatchObject({ encoding: 'utf-16le', title: 'Новости дня: события в стране и мире\ufffd' });
    });

    it('sniffs UTF-16 whose declaration says "utf-16" without a byte order', () => {
      const sut = readFeed({ body: feedBytes('Новости 新闻', 'utf-16be', 'utf-16'), contentType: 'application/xml', url: URL });

      expect(sut).toMatchObject({ encoding: 'utf-16be', title: 'Новости 新闻' });
    });

    it('recognises ISO-2022-JP by its escape sequences', () => {
      const sut = readFeed({ body: feedBytes('今日のニュース', 'iso-2022-jp'), contentType: 'application/xml', url: URL });

      expect(sut).toMatchObject({ encoding: 'iso-2022-jp', title: '今日のニュース' });
    });
  });

  describe('detection when nothing declares the encoding', () => {
    it.each<[string, string]>([
      ['gbk', '今天的新闻报道和经济发展'],
      ['big5', '今天的新聞報導和經濟發展'],
      ['euc-jp', '今日のニュースと天気予報です'],
      ['shift_jis', '今日のニュースと天気予報です'],
      ['euc-kr', '오늘의 뉴스와 날씨 예보입니다'],
      ['windows-1251', 'Новости дня: события в стране и мире'],
      ['koi8-r', 'Новости дня: события в стране и мире'],
      ['windows-874', 'ข่าววันนี้ ภาษาไทย และเศรษฐกิจ'],
      ['windows-1253', 'Ειδήσεις της ημέρας από την Ελλάδα'],
      ['windows-1255', 'חדשות היום מהארץ ומהעולם'],
      ['windows-1252', 'Déjà vu à la crème brûlée du café'],
    ])('detects %s', (encoding, title) => {
      const sut = readFeed({ body: feedBytes(title, encoding), contentType: 'application/xml', url: URL });

      expect(sut).toMatchObject({ encoding, title });
    });
  });

  describe('labels without a script', () => {
    it('decodes x-user-defined bytes 0x80–0xFF to U+F780–U+F7FF (WHATWG)', () => {
      const body = Buffer.concat([Buffer.from('<rss><channel><title>a'), Buffer.from([0x80, 0xff]), Buffer.from('</title></channel></rss>')]);

      expect(readFeed({ body, contentType: 'application/xml; charset=x-user-defined', url: URL })).toMatchObject({
        encoding: 'x-user-defined',
        title: 'a\uf780\uf7ff',
      });
    });

    it.each(['iso-2022-kr', 'hz-gb-2312', 'iso-2022-cn'])('does not trust %s (WHATWG "replacement"), reading the bytes as undeclared', (label) => {
      const sut = readFeed({ body: feedBytes('Новости дня', 'utf-8'), contentType: `application/xml; charset=${label}`, url: URL });

      expect(sut).toMatchObject({ encoding: 'utf-8', title: 'Новости дня' });
    });
  });

  describe('a declaration the bytes disprove', () => {
    it('re-reads a feed served as UTF-8 that is windows-1251', () => {
      const title = 'Новости дня: события в стране и мире';

      const sut = readFeed({ body: feedBytes(title, 'windows-1251'), contentType: 'application/rss+xml; charset=utf-8', url: URL });

      expect(sut).toMatchObject({ encoding: 'windows-1251', title });
    });

    it('re-reads a feed declaring UTF-8 in its XML declaration that is Shift_JIS', () => {
      const title = '今日のニュースと天気予報です';

      const sut = readFeed({ body: feedBytes(title, 'shift_jis', 'utf-8'), contentType: 'application/xml', url: URL });

      expect(sut).toMatchObject({ encoding: 'shift_jis', title });
    });

    it('ignores a UTF-16 declaration written in ASCII bytes', () => {
      const sut = readFeed({ body: feedBytes('Новости', 'utf-8', 'utf-16'), contentType: 'application/xml', url: URL });

      expect(sut).toMatchObject({ encoding: 'utf-8', title: 'Новости' });
    });

    it('falls back from the US-ASCII of text/xml (RFC 3023) to the XML declaration when the bytes are not ASCII', () => {
      const sut = readFeed({ body: feedBytes('Новости дня', 'koi8-r', 'koi8-r'), contentType: 'text/xml', url: URL });

      expect(sut).toMatchObject({ encoding: 'koi8-r', title: 'Новости дня' });
    });

    it('takes the text/xml charset over the XML declaration', () => {
      const sut = decodeDocument(feedBytes('Новости', 'iso-8859-5', 'koi8-r'), 'text/xml; charset=iso-8859-5');

      expect(sut.encoding).toBe('iso-8859-5');
      expect(sut.text).toContain('<title>Новости</title>');
    });
  });
});
