import { charsetOfContentType, decodeDocument, xmlDeclaredEncoding } from './charset';

// 中文 in GBK and in Big5, é in windows-1252: byte values from the published code tables.
const GBK_ZHONGWEN = [0xd6, 0xd0, 0xce, 0xc4];
const BIG5_ZHONGWEN = [0xa4, 0xa4, 0xa4, 0xe5];

function bytes(...parts: Array<string | number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

describe(decodeDocument.name, () => {
  it('defaults to UTF-8', () => {
    const sut = decodeDocument(Buffer.from('<rss>中文</rss>', 'utf8'));

    expect(sut).toEqual({ text: '<rss>中文</rss>', encoding: 'utf-8' });
  });

  it('uses the charset of the Content-Type header', () => {
    const sut = decodeDocument(bytes('<t>', GBK_ZHONGWEN, '</t>'), 'application/rss+xml; charset="GBK"');

    expect(sut.text).toBe('<t>中文</t>');
    expect(sut.encoding).toBe('gbk');
  });

  it('falls back to the XML declaration', () => {
    const sut = decodeDocument(bytes('<?xml version="1.0" encoding="big5"?><t>', BIG5_ZHONGWEN, '</t>'), 'text/xml');

    expect(sut.text).toContain('<t>中文</t>');
    expect(sut.encoding).toBe('big5');
  });

  it('prefers the header over the XML declaration', () => {
    const sut = decodeDocument(bytes('<?xml version="1.0" encoding="utf-8"?><t>', GBK_ZHONGWEN, '</t>'), 'text/xml; charset=gb18030');

    expect(sut.text).toContain('<t>中文</t>');
  });

  it('lets a byte order mark win and strips it', () => {
    const sut = decodeDocument(bytes([0xef, 0xbb, 0xbf], '<t>caf', [0xc3, 0xa9], '</t>'), 'text/xml; charset=windows-1252');

    expect(sut.text).toBe('<t>café</t>');
  });

  it('decodes UTF-16 with a BOM', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<t>中</t>', 'utf16le')]);

    expect(decodeDocument(body).text).toBe('<t>中</t>');
  });

  it('decodes windows-1252 (and its ISO-8859-1 label)', () => {
    expect(decodeDocument(bytes('caf', [0xe9]), 'text/xml; charset=iso-8859-1').text).toBe('café');
  });

  it('ignores an unknown charset label', () => {
    const sut = decodeDocument(Buffer.from('<t>ok</t>'), 'application/xml; charset=x-made-up');

    expect(sut).toEqual({ text: '<t>ok</t>', encoding: 'utf-8' });
  });

  it('keeps a declared encoding the bytes mostly agree with, replacing the few invalid bytes', () => {
    const body = Buffer.concat([Buffer.from(`<t>${'中文'.repeat(30)}`, 'utf8'), Buffer.from([0xff]), Buffer.from('</t>')]);

    const sut = decodeDocument(body, 'application/xml; charset=utf-8');

    expect(sut.encoding).toBe('utf-8');
    expect(sut.text).toBe(`<t>${'中文'.repeat(30)}\ufffd</t>`);
  });

  it('re-reads a document whose declared charset its bytes disprove', () => {
    const sut = decodeDocument(bytes('<t>', GBK_ZHONGWEN, GBK_ZHONGWEN, '</t>'), 'application/xml; charset=utf-8');

    expect(sut).toEqual({ text: '<t>中文中文</t>', encoding: 'gbk' });
  });

  it('detects the encoding of bytes that declare none and are not UTF-8', () => {
    const sut = decodeDocument(bytes('<t>', GBK_ZHONGWEN, '</t>'), 'application/xml');

    expect(sut).toEqual({ text: '<t>中文</t>', encoding: 'gbk' });
  });

  it('keeps undeclared valid UTF-8 as UTF-8', () => {
    expect(decodeDocument(Buffer.from('<t>café 中文</t>', 'utf8'), 'application/xml').encoding).toBe('utf-8');
  });

  it('labels an all-ASCII text/xml body without charset US-ASCII (RFC 3023), which reads the same', () => {
    const sut = decodeDocument(Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><t>ok</t>'), 'text/xml');

    expect(sut.encoding).toBe('windows-1252');
    expect(sut.text).toContain('<t>ok</t>');
  });

  it('does not force US-ASCII on a text/xml body that is not ASCII', () => {
    expect(decodeDocument(Buffer.from('<t>中文</t>', 'utf8'), 'text/xml').text).toBe('<t>中文</t>');
  });
});

describe(charsetOfContentType.name, () => {
  it.each([
    ['text/xml; charset=UTF-8', 'UTF-8'],
    ['application/rss+xml;charset="gbk"', 'gbk'],
    ['text/html; boundary=x; charset=shift_jis', 'shift_jis'],
    ["application/atom+xml;charset='us-ascii'", 'us-ascii'],
    ['text/xml;charset= "us-ascii"', 'us-ascii'],
    ['application/xml;charset = us-ascii', 'us-ascii'],
    ['application/json', null],
    ['', null],
  ])('reads %p', (header, expected) => {
    expect(charsetOfContentType(header)).toBe(expected);
  });
});

describe(xmlDeclaredEncoding.name, () => {
  it('reads the encoding pseudo-attribute', () => {
    expect(xmlDeclaredEncoding(Buffer.from(`<?xml version='1.0' encoding='EUC-KR' standalone='yes'?><rss/>`))).toBe('EUC-KR');
  });

  it('returns null without a declaration', () => {
    expect(xmlDeclaredEncoding(Buffer.from('<rss encoding="gbk"/>'))).toBeNull();
  });
});
