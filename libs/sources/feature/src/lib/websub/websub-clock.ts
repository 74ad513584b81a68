/** The time WebSub decisions depend on (leases, renewals); injected so tests can control it. */
export interface WebSubClock {
  now(): Date;
}

export const WEBSUB_CLOCK = Symbol('WEBSUB_CLOCK');

export const systemWebSubClock: WebSubClock = { now: () => new Date() };
