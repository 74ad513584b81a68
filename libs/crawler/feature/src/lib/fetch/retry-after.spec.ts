import { describeWait, MAX_RETRY_AFTER_SECONDS, retryAfterSeconds } from './retry-after';

const NOW = new Date('2026-11-25T12:00:00.000Z');

describe(retryAfterSeconds.name, () => {
  it('reads delay-seconds', () => {
    expect(retryAfterSeconds('120', NOW)).toBe(120);
    expect(retryAfterSeconds(' 3600 ', NOW)).toBe(3600);
  });

  it.each([
    ['IMF-fixdate', 'Wed, 25 Nov 2026 13:30:00 GMT', 5400],
    ['RFC 850', 'Wednesday, 25-Nov-26 12:10:00 GMT', 600],
    ['asctime', 'Wed Nov 25 12:01:00 2026', 60],
  ])('reads an HTTP date (%s) relative to now', (_form, header, seconds) => {
    expect(retryAfterSeconds(header, NOW)).toBe(seconds);
  });

  it('caps the wait at a day', () => {
    expect(retryAfterSeconds('999999999', NOW)).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(retryAfterSeconds('Fri, 25 Dec 2026 12:00:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_SECONDS);
  });

  it.each([[''], ['soon'], ['-5'], ['1.5'], ['0'], ['Tue, 24 Nov 2026 12:00:00 GMT']])('answers 0 for %p (absent, invalid or past)', (header) => {
    expect(retryAfterSeconds(header, NOW)).toBe(0);
  });
});

describe(describeWait.name, () => {
  it('picks a readable unit', () => {
    expect(describeWait(90)).toBe('90 s');
    expect(describeWait(900)).toBe('15 min');
    expect(describeWait(7200)).toBe('2 h');
    expect(describeWait(5400 * 3)).toBe('4.5 h');
  });
});
