import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Header, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { Access, AccessPolicy } from '../auth/access';
import { FEED_READER_CLOCK, type FeedReaderClock } from './feed-reader-clock';
import { FeedReaderAuth, type ReaderCaller } from './feed-reader-auth.service';
import { feedsById, mapItemRefs, mapStream, mapSubscriptionList, mapTagList, mapUnreadCounts, mapUserInfo } from './google-reader.mapper';
import {
  MAX_ITEM_IDS,
  MAX_STREAM_ITEMS,
  parseCount,
  parseItemIds,
  parseMarkTime,
  parseOrder,
  parseSeconds,
  parseTags,
  streamSelection,
} from './google-reader.params';
import { comparableUrl, ReaderLibrary, subscriptionFor, type ReadingListQuery } from './reader-library.service';
import { ReaderParams } from './reader-params';
import { FEED_PREFIX, LABEL_PREFIX, parseReaderStream, READING_LIST, type ReaderStream } from './reader-streams';

type Request = IncomingMessage & { query?: unknown; body?: unknown; res?: ServerResponse };

/** The Google Reader API's own paths (outside /api/v1), excluded from the global prefix. */
export const GOOGLE_READER_API = 'reader/api/0';
export const CLIENT_LOGIN_PATH = 'accounts/ClientLogin';
const STREAM_CONTENTS_PREFIX = `/${GOOGLE_READER_API}/stream/contents/`;
const UNREAD_COUNT_MAX = 10_000;

const PLAIN_TEXT = 'text/plain; charset=utf-8';

/**
 * The Google Reader API as feed apps speak it (NetNewsWire, Reeder, FeedMe, Read You, Fluent Reader):
 * ClientLogin, then every call with `Authorization: GoogleLogin auth=<token>`. Public for the
 * AccessGuard: these routes authenticate with the protocol's own token (FeedReaderAuth), and a
 * missing or wrong one is a 401 before anything is read. Answers are JSON whatever `output` asks.
 */
@ApiExcludeController()
@Access(AccessPolicy.Public)
@Controller()
export class GoogleReaderController {
  constructor(
    private readonly auth: FeedReaderAuth,
    private readonly library: ReaderLibrary,
    @Inject(FEED_READER_CLOCK) private readonly clock: FeedReaderClock,
  ) {}

  /**
   * Email = the user's name, Passwd = one of their API keys, in the POSTed form (as Google's ClientLogin
   * had it; never in the URL, where proxies log it); the Auth token is that key.
   */
  @Post(CLIENT_LOGIN_PATH)
  async clientLogin(@Req() request: Request, @Res() response: ServerResponse): Promise<void> {
    const form = ReaderParams.of({ body: request.body });
    const reader = await this.auth.clientLogin(form.one('Email'), form.one('Passwd'));
    if (!reader) {
      response.statusCode = HttpStatus.UNAUTHORIZED;
      response.setHeader('content-type', PLAIN_TEXT);
      response.end('Error=BadAuthentication\n');
      return;
    }
    response.statusCode = HttpStatus.OK;
    response.setHeader('cache-control', 'no-store');
    if (ReaderParams.of(request).one('output') === 'json') {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(JSON.stringify({ SID: reader.token, LSID: null, Auth: reader.token }));
      return;
    }
    response.setHeader('content-type', PLAIN_TEXT);
    response.end(`SID=${reader.token}\nLSID=null\nAuth=${reader.token}\n`);
  }

  @Get(`${GOOGLE_READER_API}/token`)
  @Header('content-type', PLAIN_TEXT)
  async token(@Req() request: Request): Promise<string> {
    const reader = await this.auth.googleReaderCaller(request.headers);
    return this.auth.postToken(reader.token);
  }

  @Get(`${GOOGLE_READER_API}/user-info`)
  async userInfo(@Req() request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    return mapUserInfo(caller);
  }

  @Get(`${GOOGLE_READER_API}/subscription/list`)
  async subscriptionList(@Req() request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    return mapSubscriptionList(await this.library.subscriptions(caller.userId));
  }

  @Get(`${GOOGLE_READER_API}/tag/list`)
  async tagList(@Req() request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    return mapTagList(await this.library.subscriptions(caller.userId));
  }

  @Get(`${GOOGLE_READER_API}/unread-count`)
  async unreadCount(@Req() request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    const subscriptions = await this.library.subscriptions(caller.userId);
    const { articles } = await this.library.collect(caller.userId, { filter: storage.ReadingListFilter.READING_LIST_FILTER_UNREAD }, UNREAD_COUNT_MAX);
    return mapUnreadCounts(articles, feedsById(subscriptions), UNREAD_COUNT_MAX);
  }

  /** ac=subscribe|unsubscribe|edit on s=feed/<id or URL> (repeatable); a= / r= a folder label; t= (titles are the instance's: ignored). */
  @Post(`${GOOGLE_READER_API}/subscription/edit`)
  @HttpCode(HttpStatus.OK)
  @Header('content-type', PLAIN_TEXT)
  async subscriptionEdit(@Req() request: Request): Promise<string> {
    const { caller, params } = await this.writer(request);
    const action = params.one('ac') || 'edit';
    const streams = params.all('s');
    if (streams.length === 0) throw DomainError.invalidArgument('s must name a feed (feed/<id or URL>)');
    const added = labelOf(params.one('a'));
    const removed = labelOf(params.one('r'));
    for (const streamId of streams) {
      if (!streamId.startsWith(FEED_PREFIX)) throw DomainError.invalidArgument('s must name a feed (feed/<id or URL>)');
      const feed = streamId.slice(FEED_PREFIX.length);
      if (action === 'subscribe') await this.library.follow(caller, feed, added);
      else if (action === 'unsubscribe') await this.library.unfollow(caller.userId, feed);
      else if (action === 'edit') await this.library.refile(caller.userId, feed, added, removed);
      else throw DomainError.invalidArgument('ac must be subscribe, unsubscribe or edit');
    }
    return 'OK';
  }

  /** quickadd=<feed URL>: follow it (see ReaderLibrary.subscribeUrl for who may add a new source). */
  @Post(`${GOOGLE_READER_API}/subscription/quickadd`)
  @HttpCode(HttpStatus.OK)
  async quickAdd(@Req() request: Request) {
    const { caller, params } = await this.writer(request);
    const query = params.one('quickadd').trim();
    const url = query.startsWith(FEED_PREFIX) ? query.slice(FEED_PREFIX.length) : query;
    if (!comparableUrl(url)) throw DomainError.invalidArgument('quickadd must be the http(s) URL of a feed');
    const subscription = await this.library.subscribeUrl(caller, url, '');
    const source = subscription.source;
    return { numResults: 1, query, streamId: `${FEED_PREFIX}${source?.id ?? ''}`, streamName: source?.title || source?.url || '' };
  }

  /** s=user/-/label/<old>, dest=user/-/label/<new>: moves the caller's subscriptions to the new folder. */
  @Post(`${GOOGLE_READER_API}/rename-tag`)
  @HttpCode(HttpStatus.OK)
  @Header('content-type', PLAIN_TEXT)
  async renameTag(@Req() request: Request): Promise<string> {
    const { caller, params } = await this.writer(request);
    const from = labelOf(params.one('s'));
    const to = labelOf(params.one('dest'));
    if (from === undefined || to === undefined || to === '') throw DomainError.invalidArgument('s and dest must be folder labels (user/-/label/<name>)');
    await this.library.moveFolder(caller.userId, from, to);
    return 'OK';
  }

  /** s=user/-/label/<name>: the folder goes, its subscriptions stay (in no folder). */
  @Post(`${GOOGLE_READER_API}/disable-tag`)
  @HttpCode(HttpStatus.OK)
  @Header('content-type', PLAIN_TEXT)
  async disableTag(@Req() request: Request): Promise<string> {
    const { caller, params } = await this.writer(request);
    const label = labelOf(params.one('s'));
    if (label === undefined) throw DomainError.invalidArgument('s must be a folder label (user/-/label/<name>)');
    await this.library.moveFolder(caller.userId, label, '');
    return 'OK';
  }

  /** Item ids of a stream (short form), newest first unless r=o; n, c, ot, nt, xt, it as Google Reader had them. */
  @Get(`${GOOGLE_READER_API}/stream/items/ids`)
  async itemIdsGet(@Req() request: Request) {
    return this.itemIds(request);
  }

  @Post(`${GOOGLE_READER_API}/stream/items/ids`)
  @HttpCode(HttpStatus.OK)
  async itemIdsPost(@Req() request: Request) {
    return this.itemIds(request);
  }

  /** The items named by i= (any id form), with content, in the order asked. */
  @Get(`${GOOGLE_READER_API}/stream/items/contents`)
  async itemContentsGet(@Req() request: Request) {
    return this.itemContents(request);
  }

  @Post(`${GOOGLE_READER_API}/stream/items/contents`)
  @HttpCode(HttpStatus.OK)
  async itemContentsPost(@Req() request: Request) {
    return this.itemContents(request);
  }

  /** A stream's items with content; the stream id is the rest of the path (or s=). */
  @Get([`${GOOGLE_READER_API}/stream/contents`, `${GOOGLE_READER_API}/stream/contents/*stream`])
  async streamContents(@Req() request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    const params = ReaderParams.of(request);
    const streamId = streamIdOfPath(request.url ?? '') || params.one('s') || READING_LIST;
    const stream = parseReaderStream(streamId);
    const subscriptions = await this.library.subscriptions(caller.userId);
    const { query, keep } = this.streamQuery(stream, params, subscriptions);
    const { articles, continuation } = await this.library.collect(caller.userId, { ...query, withContent: true }, parseCount(params, MAX_STREAM_ITEMS), keep);
    return mapStream(streamId, streamTitle(stream, subscriptions), articles, feedsById(subscriptions), this.clock.now(), continuation);
  }

  /** a= / r= read, starred or kept-unread on the items i= names; unknown items are passed over. */
  @Post(`${GOOGLE_READER_API}/edit-tag`)
  @HttpCode(HttpStatus.OK)
  @Header('content-type', PLAIN_TEXT)
  async editTag(@Req() request: Request): Promise<string> {
    const { caller, params } = await this.writer(request);
    const itemNumbers = parseItemIds(params, true);
    const add = parseTags(params, 'a');
    const remove = parseTags(params, 'r');
    if (add.length === 0 && remove.length === 0) throw DomainError.invalidArgument('a or r must name a tag to add or remove');
    const changes: { read?: boolean; starred?: boolean } = {};
    for (const tag of remove) {
      if (tag === 'read') changes.read = false;
      if (tag === 'starred') changes.starred = false;
    }
    for (const tag of add) {
      if (tag === 'read') changes.read = true;
      if (tag === 'kept-unread') changes.read = false;
      if (tag === 'starred') changes.starred = true;
    }
    if (changes.read === undefined && changes.starred === undefined) return 'OK';
    await this.library.markItems(caller.userId, itemNumbers, changes);
    return 'OK';
  }

  /** s= the reading list, a feed or a folder; ts= up to when (microseconds; all when absent). */
  @Post(`${GOOGLE_READER_API}/mark-all-as-read`)
  @HttpCode(HttpStatus.OK)
  @Header('content-type', PLAIN_TEXT)
  async markAllAsRead(@Req() request: Request): Promise<string> {
    const { caller, params } = await this.writer(request);
    const stream = parseReaderStream(params.one('s'));
    const upTo = parseMarkTime(params);
    const subscriptions = await this.library.subscriptions(caller.userId);
    switch (stream.kind) {
      case 'reading-list':
        await this.library.markAllRead(caller.userId, { sourceId: '', category: '', upTo });
        break;
      case 'feed':
        await this.library.markAllRead(caller.userId, { sourceId: requiredFeed(subscriptions, stream.feed), category: '', upTo });
        break;
      case 'label':
        requireLabel(subscriptions, stream.label);
        await this.library.markAllRead(caller.userId, { sourceId: '', category: stream.label, upTo });
        break;
      case 'starred':
      case 'read':
        throw DomainError.invalidArgument('mark-all-as-read takes the reading list, a feed or a folder');
    }
    return 'OK';
  }

  /**
   * The caller of a writing request, with its parameters. A T parameter, when sent, must be the
   * caller's token from /token (Google Reader's rule: otherwise 401 with X-Reader-Google-Bad-Token).
   */
  private async writer(request: Request): Promise<{ caller: ReaderCaller['caller']; params: ReaderParams }> {
    const reader = await this.auth.googleReaderCaller(request.headers);
    const params = ReaderParams.of(request);
    const t = params.one('T');
    if (t && !this.auth.isPostToken(t, reader.token)) {
      request.res?.setHeader('x-reader-google-bad-token', 'true');
      throw DomainError.unauthenticated('T is not the token /reader/api/0/token gave');
    }
    return { caller: reader.caller, params };
  }

  private async itemIds(request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    const params = ReaderParams.of(request);
    const stream = parseReaderStream(params.one('s') || READING_LIST);
    const subscriptions = await this.library.subscriptions(caller.userId);
    const { query, keep } = this.streamQuery(stream, params, subscriptions);
    const { articles, continuation } = await this.library.collect(caller.userId, query, parseCount(params, MAX_ITEM_IDS), keep);
    return mapItemRefs(articles, continuation);
  }

  private async itemContents(request: Request) {
    const { caller } = await this.auth.googleReaderCaller(request.headers);
    const params = ReaderParams.of(request);
    const itemNumbers = parseItemIds(params, false);
    const [subscriptions, found] = await Promise.all([this.library.subscriptions(caller.userId), this.library.byItemNumbers(caller.userId, itemNumbers, true)]);
    const byNumber = new Map(found.map((a) => [a.itemNumber, a]));
    const ordered = [...new Set(itemNumbers)].flatMap((n) => byNumber.get(n) ?? []);
    return mapStream(READING_LIST, 'Reading list', ordered, feedsById(subscriptions), this.clock.now(), '');
  }

  private streamQuery(stream: ReaderStream, params: ReaderParams, subscriptions: readonly storage.Subscription[]): { query: ReadingListQuery; keep: (a: storage.UserArticle) => boolean } {
    const { filter, keep } = streamSelection(stream, parseTags(params, 'xt'), parseTags(params, 'it'));
    const query: ReadingListQuery = {
      filter,
      order: parseOrder(params),
      newerThan: parseSeconds(params, 'ot'),
      olderThan: parseSeconds(params, 'nt'),
      cursor: params.one('c'),
    };
    if (stream.kind === 'feed') query.sourceId = requiredFeed(subscriptions, stream.feed);
    if (stream.kind === 'label') query.category = requireLabel(subscriptions, stream.label);
    return { query, keep };
  }
}

/** The folder a label stream names; undefined when the text is not a label stream ('' for no label at all). */
function labelOf(streamId: string): string | undefined {
  if (!streamId) return undefined;
  const stream = parseReaderStream(streamId);
  if (stream.kind !== 'label') throw DomainError.invalidArgument(`${LABEL_PREFIX}<name> expected, not ${JSON.stringify(streamId.slice(0, 200))}`);
  return stream.label;
}

function requiredFeed(subscriptions: readonly storage.Subscription[], feed: string): string {
  const source = subscriptionFor(subscriptions, feed)?.source;
  if (!source) throw DomainError.notFound(`you do not follow feed/${feed.slice(0, 200)}`);
  return source.id;
}

function requireLabel(subscriptions: readonly storage.Subscription[], label: string): string {
  if (!subscriptions.some((s) => s.category === label)) throw DomainError.notFound(`you have no folder ${label.slice(0, 200)}`);
  return label;
}

function streamTitle(stream: ReaderStream, subscriptions: readonly storage.Subscription[]): string {
  switch (stream.kind) {
    case 'reading-list':
      return 'Reading list';
    case 'starred':
      return 'Starred';
    case 'read':
      return 'Read';
    case 'label':
      return stream.label;
    case 'feed': {
      const source = subscriptionFor(subscriptions, stream.feed)?.source;
      return source?.title || source?.url || '';
    }
  }
}

/** The stream id written in the path of stream/contents/<stream id> (percent-decoded), '' when none. */
function streamIdOfPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  if (!path.startsWith(STREAM_CONTENTS_PREFIX)) return '';
  try {
    return decodeURIComponent(path.slice(STREAM_CONTENTS_PREFIX.length));
  } catch {
    throw DomainError.invalidArgument('the stream id in the path is not valid percent-encoding');
  }
}
