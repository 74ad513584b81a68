import { isChinese, LanguageDetector, UNDETERMINED } from './language-detector';

describe(LanguageDetector.name, () => {
  let sut: LanguageDetector;

  beforeAll(async () => {
    sut = await LanguageDetector.create();
  }, 30_000);

  afterAll(() => sut?.close());

  it.each([
    ['The central bank raised interest rates again on Wednesday.', 'en'],
    ['中国人民银行今天宣布下调存款准备金率，以支持实体经济发展。', 'zh'],
    ['日本銀行は金曜日に金融政策決定会合を開いた。', 'ja'],
    ['한국은행은 기준금리를 동결했다고 밝혔다.', 'ko'],
    ['Le gouvernement français a annoncé de nouvelles mesures pour les retraites.', 'fr'],
    ['Die Bundesregierung hat am Mittwoch neue Maßnahmen beschlossen.', 'de'],
    ['El gobierno español presentó hoy los presupuestos generales del Estado.', 'es'],
  ])('identifies %s as %s', async (text, language) => {
    const result = await sut.detect(text);
    expect(result.language).toBe(language);
    expect(result.confidence).toBeGreaterThan(0.5);
  });

  it('answers many texts in order and handles multi-line text', async () => {
    const results = await sut.detectMany(['Hello there,\nhow are you today?', 'Guten Morgen, wie geht es dir?']);
    expect(results.map((r) => r.language)).toEqual(['en', 'de']);
  });

  it('returns "und" for text without letters', async () => {
    await expect(sut.detect('  12345 !!! ')).resolves.toEqual({ language: UNDETERMINED, confidence: 0 });
    await expect(sut.detect('')).resolves.toEqual({ language: UNDETERMINED, confidence: 0 });
  });

  it('rejects calls once closed', async () => {
    const closed = await LanguageDetector.create();
    await closed.close();
    await expect(closed.detect('hello')).rejects.toThrow(/shut down/);
  });
});

describe(isChinese.name, () => {
  it('groups Chinese varieties', () => {
    expect(['zh', 'yue', 'wuu'].every(isChinese)).toBe(true);
    expect(isChinese('ja')).toBe(false);
  });
});
