import { fetchBackoffSeconds, MAX_BACKOFF_SECONDS } from './fetch-backoff';

describe(fetchBackoffSeconds.name, () => {
  it('waits one interval after the first failure', () => {
    expect(fetchBackoffSeconds(600, 1)).toBe(600);
  });

  it('doubles with each further failure', () => {
    expect(fetchBackoffSeconds(600, 2)).toBe(1200);
    expect(fetchBackoffSeconds(600, 3)).toBe(2400);
    expect(fetchBackoffSeconds(60, 5)).toBe(960);
  });

  it('never waits longer than six hours', () => {
    expect(fetchBackoffSeconds(600, 7)).toBe(MAX_BACKOFF_SECONDS);
    expect(fetchBackoffSeconds(600, 10_000)).toBe(MAX_BACKOFF_SECONDS);
    expect(fetchBackoffSeconds(86_400, 1)).toBe(MAX_BACKOFF_SECONDS);
  });

  it('treats a count below one as the first failure', () => {
    expect(fetchBackoffSeconds(300, 0)).toBe(300);
  });
});
