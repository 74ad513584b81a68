import { DomainError } from '@autoglm/shared-errors';

/** The Google Reader streams we serve: the reading list, the starred and read states, a folder (label), a feed. */
export type ReaderStream =
  | { kind: 'reading-list' }
  | { kind: 'starred' }
  | { kind: 'read' }
  | { kind: 'label'; label: string }
  | { kind: 'feed'; feed: string };

export const READING_LIST = 'user/-/state/com.google/reading-list';
export const STARRED = 'user/-/state/com.google/starred';
export const READ = 'user/-/state/com.google/read';
export const KEPT_UNREAD = 'user/-/state/com.google/kept-unread';
export const LABEL_PREFIX = 'user/-/label/';
export const FEED_PREFIX = 'feed/';

/** `user/<anything>/…` names the caller's own stream: clients write "-" or the id user-info gave them. */
const USER_STREAM = /^user\/[^/]+\/(state\/com\.google\/[a-z-]+|label\/.+)$/s;
const MAX_STREAM_ID = 2_048;

export function labelStreamId(label: string): string {
  return `${LABEL_PREFIX}${label}`;
}

export function feedStreamId(sourceId: string): string {
  return `${FEED_PREFIX}${sourceId}`;
}

/** A stream id as clients send it; INVALID_ARGUMENT for anything we do not serve. */
export function parseReaderStream(id: string): ReaderStream {
  if (!id || id.length > MAX_STREAM_ID) throw DomainError.invalidArgument('s must name a stream (e.g. user/-/state/com.google/reading-list)');
  if (id.startsWith(FEED_PREFIX) && id.length > FEED_PREFIX.length) return { kind: 'feed', feed: id.slice(FEED_PREFIX.length) };
  const user = USER_STREAM.exec(id);
  const tail = user?.[1];
  if (tail?.startsWith('label/')) return { kind: 'label', label: tail.slice('label/'.length) };
  switch (tail) {
    case 'state/com.google/reading-list':
      return { kind: 'reading-list' };
    case 'state/com.google/starred':
      return { kind: 'starred' };
    case 'state/com.google/read':
      return { kind: 'read' };
    default:
      throw DomainError.invalidArgument(`unknown stream ${JSON.stringify(id.slice(0, 200))}`);
  }
}

/** The item state a tag of edit-tag (a= / r=) or of xt= / it= names: read, starred, kept unread (= not read). */
export type ItemTag = 'read' | 'starred' | 'kept-unread';

export function parseItemTag(id: string): ItemTag {
  const tail = USER_STREAM.exec(id)?.[1];
  switch (tail) {
    case 'state/com.google/read':
      return 'read';
    case 'state/com.google/starred':
      return 'starred';
    case 'state/com.google/kept-unread':
      return 'kept-unread';
    default:
      throw DomainError.invalidArgument(`unsupported item tag ${JSON.stringify(id.slice(0, 200))} (read, starred and kept-unread are)`);
  }
}
