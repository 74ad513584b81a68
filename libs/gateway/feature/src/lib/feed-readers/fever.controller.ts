import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { toTimestamp } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import type { Caller } from '../auth/caller';
import { FEED_READER_CLOCK, type FeedReaderClock } from './feed-reader-clock';
import { FeedReaderAuth } from './feed-reader-auth.service';
import { FEVER_API_VERSION, feverGroupId, feverIdList, mapFeverFeeds, mapFeverFeedsGroups, mapFeverGroups, mapFeverItem } from './fever.mapper';
import { ReaderLibrary } from './reader-library.service';
import { ReaderParams } from './reader-params';

type Request = IncomingMessage & { query?: unknown; body?: unknown };

/** /fever/ as apps write it, and /fever (optional trailing slash in Express 5's path syntax: routing is strict). */
export const FEVER_PATH = 'fever{/}';
/** Fever pages items 50 at a time; with_ids takes at most 50 ids. */
const FEVER_PAGE = 50;
/** The most ids unread_item_ids / saved_item_ids list. */
const FEVER_MAX_IDS = 10_000;
const ID = /^\d{1,15}$/;
const SECONDS = /^\d{1,12}$/;

type FeverAnswer = Record<string, unknown>;

/**
 * The Fever API (`/fever/?api`) as Fever-speaking apps use it. Public for the AccessGuard: the
 * protocol authenticates each call by its api_key (md5 of "name:password", set with
 * PUT /api/v1/me/fever); without a valid one the answer is Fever's `auth: 0` and nothing else.
 */
@ApiExcludeController()
@Access(AccessPolicy.Public)
@Controller()
export class FeverController {
  constructor(
    private readonly auth: FeedReaderAuth,
    private readonly library: ReaderLibrary,
    @Inject(FEED_READER_CLOCK) private readonly clock: FeedReaderClock,
  ) {}

  @Get(FEVER_PATH)
  async feverGet(@Req() request: Request): Promise<FeverAnswer> {
    return this.fever(request);
  }

  /** Apps POST api_key (and mark=…) as a form, with the command in the query string (?api&items…). */
  @Post(FEVER_PATH)
  @HttpCode(HttpStatus.OK)
  async feverPost(@Req() request: Request): Promise<FeverAnswer> {
    return this.fever(request);
  }

  private async fever(request: Request): Promise<FeverAnswer> {
    const params = ReaderParams.of(request);
    if (!params.has('api')) throw DomainError.invalidArgument('this is the Fever API: call /fever/?api');
    // The key is POSTed, as Fever defines it; one in the URL (which proxies log) is not read.
    const caller = await this.auth.feverCaller(ReaderParams.of({ body: request.body }).one('api_key'));
    if (!caller) return { api_version: FEVER_API_VERSION, auth: 0 };
    const answer: FeverAnswer = { api_version: FEVER_API_VERSION, auth: 1, last_refreshed_on_time: Math.floor(this.clock.now().getTime() / 1000) };
    // A write first, so the lists asked for in the same call already show it.
    if (params.has('mark')) await this.mark(caller, params);
    const needsSubscriptions = params.has('groups') || params.has('feeds');
    const subscriptions = needsSubscriptions ? await this.library.subscriptions(caller.userId) : [];
    if (params.has('groups')) answer['groups'] = mapFeverGroups(subscriptions);
    if (params.has('feeds')) answer['feeds'] = mapFeverFeeds(subscriptions);
    if (needsSubscriptions) answer['feeds_groups'] = mapFeverFeedsGroups(subscriptions);
    if (params.has('favicons')) answer['favicons'] = [];
    if (params.has('links')) answer['links'] = [];
    if (params.has('items')) Object.assign(answer, await this.items(caller, params));
    if (params.has('unread_item_ids')) answer['unread_item_ids'] = await this.idList(caller, storage.ReadingListFilter.READING_LIST_FILTER_UNREAD);
    if (params.has('saved_item_ids')) answer['saved_item_ids'] = await this.idList(caller, storage.ReadingListFilter.READING_LIST_FILTER_STARRED);
    return answer;
  }

  /** since_id: the next 50 after it, oldest first; max_id: the 50 before it, newest first; with_ids: those; none: the newest 50. */
  private async items(caller: Caller, params: ReaderParams): Promise<FeverAnswer> {
    const { ReadingListOrder } = storage;
    let articles: storage.UserArticle[];
    if (params.has('with_ids')) {
      const ids = params.one('with_ids').split(',').map((id) => id.trim()).filter((id) => id !== '');
      if (ids.length > FEVER_PAGE) throw DomainError.invalidArgument(`with_ids takes at most ${FEVER_PAGE} ids`);
      articles = await this.library.byItemNumbers(caller.userId, ids.map((id) => feverId(id, 'with_ids')), true);
    } else if (params.has('since_id')) {
      const since = feverId(params.one('since_id') || '0', 'since_id');
      articles = (await this.library.collect(caller.userId, { withContent: true, afterItemNumber: since, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC }, FEVER_PAGE)).articles;
    } else if (params.has('max_id')) {
      const max = feverId(params.one('max_id') || '0', 'max_id');
      articles = (await this.library.collect(caller.userId, { withContent: true, beforeItemNumber: max, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_DESC }, FEVER_PAGE)).articles;
    } else {
      articles = (await this.library.collect(caller.userId, { withContent: true, order: ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_DESC }, FEVER_PAGE)).articles;
    }
    return { items: articles.map(mapFeverItem), total_items: await this.library.count(caller.userId, {}) };
  }

  private async idList(caller: Caller, filter: storage.ReadingListFilter): Promise<string> {
    return feverIdList((await this.library.collect(caller.userId, { filter, order: storage.ReadingListOrder.READING_LIST_ORDER_ITEM_NUMBER_ASC }, FEVER_MAX_IDS)).articles);
  }

  /** mark=item&as=read|unread|saved|unsaved&id=…; mark=feed|group&as=read&id=…&before=<unix seconds> (group 0: everything). */
  private async mark(caller: Caller, params: ReaderParams): Promise<void> {
    const what = params.one('mark');
    const as = params.one('as');
    const id = params.one('id');
    if (what === 'item') {
      const changes = as === 'read' ? { read: true } : as === 'unread' ? { read: false } : as === 'saved' ? { starred: true } : as === 'unsaved' ? { starred: false } : undefined;
      if (!changes) throw DomainError.invalidArgument('as must be read, unread, saved or unsaved');
      const itemNumber = feverId(id, 'id');
      if (itemNumber === '0') throw DomainError.invalidArgument('id must name an item');
      await this.library.markItems(caller.userId, [itemNumber], changes);
      return;
    }
    if (what !== 'feed' && what !== 'group') throw DomainError.invalidArgument('mark must be item, feed or group');
    if (as !== 'read') throw DomainError.invalidArgument(`a ${what} can only be marked read`);
    const before = params.one('before');
    if (before && !SECONDS.test(before)) throw DomainError.invalidArgument('before must be unix seconds');
    const upTo = before ? toTimestamp(new Date(Number(before) * 1000)) : undefined;
    if (!ID.test(id)) throw DomainError.invalidArgument('id must be a whole number');
    const subscriptions = await this.library.subscriptions(caller.userId);
    if (what === 'feed') {
      const source = subscriptions.find((s) => s.feedNumber === String(Number(id)))?.source;
      if (!source) throw DomainError.notFound(`you do not follow feed ${id}`);
      await this.library.markAllRead(caller.userId, { sourceId: source.id, category: '', upTo });
      return;
    }
    if (Number(id) === 0) {
      await this.library.markAllRead(caller.userId, { sourceId: '', category: '', upTo });
      return;
    }
    const category = subscriptions.find((s) => s.category !== '' && feverGroupId(s.category) === Number(id))?.category;
    if (category === undefined) throw DomainError.notFound(`you have no group ${id}`);
    await this.library.markAllRead(caller.userId, { sourceId: '', category, upTo });
  }
}

/** A Fever item id (our item number) as decimal text; since_id / max_id may be 0. */
function feverId(text: string, name: string): string {
  const trimmed = text.trim();
  if (!ID.test(trimmed)) throw DomainError.invalidArgument(`${name} must hold whole numbers`);
  return String(Number(trimmed));
}
