/** The time storage logic depends on (schedules, backoff, defaults); injected so tests can control it. */
export interface Clock {
  now(): Date;
}

export const STORAGE_CLOCK = Symbol('STORAGE_CLOCK');

export const systemClock: Clock = { now: () => new Date() };
