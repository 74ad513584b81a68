import { CLIENT_LOGIN_PATH, GOOGLE_READER_API } from './google-reader.controller';
import { FEVER_PATH } from './fever.controller';

/** Escapes path-syntax braces: the prefix exclusion matches the route's path as written ("fever{/}"), not a URL. */
const literal = (path: string) => path.replace(/[{}]/g, (brace) => `\\${brace}`);

/** The feed-reader protocols' paths, which live outside /api/v1 where their apps expect them. */
export const FEED_READER_PATHS: readonly string[] = [CLIENT_LOGIN_PATH, `${GOOGLE_READER_API}/*path`, literal(FEVER_PATH)];
