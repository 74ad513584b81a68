/** Now, for the feed-reader answers' "updated" fields; injected so that specs can fix it. */
export interface FeedReaderClock {
  now(): Date;
}

export const FEED_READER_CLOCK = Symbol('FEED_READER_CLOCK');

export const systemFeedReaderClock: FeedReaderClock = { now: () => new Date() };
