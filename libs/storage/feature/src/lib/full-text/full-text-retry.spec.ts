import { FULL_TEXT_RETRY_BASE_SECONDS, fullTextRetry, MAX_FULL_TEXT_ATTEMPTS, MAX_FULL_TEXT_RETRY_SECONDS } from './full-text-retry';

describe(fullTextRetry.name, () => {
  const sut = fullTextRetry;

  it('doubles the wait with each failed attempt', () => {
    expect(sut(1, true, 0)).toEqual({ final: false, delaySeconds: FULL_TEXT_RETRY_BASE_SECONDS });
    expect(sut(2, true, 0)).toEqual({ final: false, delaySeconds: 2 * FULL_TEXT_RETRY_BASE_SECONDS });
    expect(sut(4, true, 0)).toEqual({ final: false, delaySeconds: 8 * FULL_TEXT_RETRY_BASE_SECONDS });
  });

  it('gives up after the last attempt', () => {
    expect(sut(MAX_FULL_TEXT_ATTEMPTS - 1, true, 0).final).toBe(false);
    expect(sut(MAX_FULL_TEXT_ATTEMPTS, true, 0)).toEqual({ final: true });
    expect(sut(MAX_FULL_TEXT_ATTEMPTS + 3, true, 0)).toEqual({ final: true });
  });

  it('does not retry a failure that cannot pass', () => {
    expect(sut(1, false, 0)).toEqual({ final: true });
  });

  it("waits at least the server's Retry-After, within the cap", () => {
    expect(sut(1, true, 900)).toEqual({ final: false, delaySeconds: 900 });
    expect(sut(1, true, 10)).toEqual({ final: false, delaySeconds: FULL_TEXT_RETRY_BASE_SECONDS });
    expect(sut(1, true, 10 * 24 * 3600)).toEqual({ final: false, delaySeconds: MAX_FULL_TEXT_RETRY_SECONDS });
    expect(sut(1, true, Number.NaN)).toEqual({ final: false, delaySeconds: FULL_TEXT_RETRY_BASE_SECONDS });
  });
});
