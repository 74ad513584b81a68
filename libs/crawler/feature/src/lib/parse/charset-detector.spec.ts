import { detectEncoding } from './charset-detector';

// The same kind of sentence in each encoding, as bytes (produced with Python's codecs).
const SAMPLES: Record<string, string> = {
  'windows-1252': '4c6520636166e920e974616974206665726de920e0206361757365206465206c61206772e876652c2064e9636c6172e9206869657220736f69722e',
  'windows-1251':
    'cdeee2eef1f2e820f2e5f5edeeebeee3e8e93a20e8f1eaf3f1f1f2e2e5ededfbe920e8edf2e5ebebe5eaf220efeeeceee3e0e5f220f7e8f2e0f2fc20ebe5edf2fb2e',
  'koi8-r': 'eecfd7cfd3d4c920d4c5c8cecfcccfc7c9ca3a20c9d3cbd5d3d3d4d7c5ceced9ca20c9ced4c5ccccc5cbd420d0cfcdcfc7c1c5d420dec9d4c1d4d820ccc5ced4d92e',
  gbk: 'c8cbb9a4d6c7c4dcd6fac1a6d0c2cec5bedbbacfa3acbfaad4b4cfeec4bfb7a2b2bcc1cbd0c2b0e6b1bea1a3',
  shift_jis: '836a8385815b835882f093c782de82cc82cd82c682c482e08a7982b582a282c582b78142',
  'euc-kr': 'bfc0b4c3c0c720b4babdbab8a620c0d0beee20bab8bcbcbfe42e20c7d1b1b9beee20b1e2bbe7c0d4b4cfb4d92e',
  'windows-1255': 'e7e3f9e5fa20e8ebf0e5ece5e2e9e43a20e1e9f0e420eeece0ebe5fae9fa20f2e5e6f8fa20ecf7f8e5e020f2e3ebe5f0e9ed2e',
};

const feedOf = (hex: string) => Buffer.concat([Buffer.from('<rss><channel><item><title>'), Buffer.from(hex, 'hex'), Buffer.from('</title></item></channel></rss>')]);

describe(detectEncoding.name, () => {
  it.each(Object.entries(SAMPLES))('recognises %s', (encoding, hex) => {
    const sut = detectEncoding(feedOf(hex));

    expect(sut).toBe(encoding);
  });

  it('returns null for plain ASCII, which has nothing to tell encodings apart', () => {
    expect(detectEncoding(Buffer.from('<rss><channel><title>plain</title></channel></rss>'))).toBeNull();
  });

  it('copes with a sample cut inside a double-byte character', () => {
    const long = Buffer.concat([Buffer.from('x'.repeat(64 * 1024 - 21)), Buffer.from(SAMPLES['gbk'] ?? '', 'hex')]);

    expect(detectEncoding(long)).toBe('gbk');
  });
});
