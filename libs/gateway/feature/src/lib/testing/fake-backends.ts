import type { ArticleRef, Source, storage } from '@autoglm/contracts';
import { SourceKind, SourceStatus } from '@autoglm/contracts';
import type { AnalysisClient, CallContext, RecommenderClient, SourcesClient, StorageClient } from '@autoglm/shared-grpc';
import { toTimestamp } from '@autoglm/shared-grpc';

/** One fake RPC: records its requests and answers as told (by default it fails loudly). */
export class FakeRpc<Req, Res> {
  readonly requests: Req[] = [];
  /** The CallContext (e.g. the acting user) of each request, in the same order. */
  readonly contexts: Array<CallContext | undefined> = [];
  private answer: (request: Req) => Promise<Res>;

  constructor(private readonly method: string) {
    this.answer = () => Promise.reject(new Error(`${this.method} was not expected to be called`));
  }

  returns(value: Res): this {
    this.answer = () => Promise.resolve(value);
    return this;
  }

  /** Answers each request with what `respond` makes of it. */
  answers(respond: (request: Req) => Promise<Res>): this {
    this.answer = respond;
    return this;
  }

  fails(error: unknown): this {
    this.answer = () => Promise.reject(error);
    return this;
  }

  /** Never answers (a service that accepted the connection and went silent). */
  hangs(): this {
    this.answer = () => new Promise<Res>(() => undefined);
    return this;
  }

  readonly call = (request: Req, context?: CallContext): Promise<Res> => {
    this.requests.push(request);
    this.contexts.push(context);
    return this.answer(request);
  };
}

type Rpc<C, K extends keyof C> = C[K] extends (request: infer Req) => Promise<infer Res> ? FakeRpc<Req, Res> : never;

function rpc<C, K extends keyof C & string>(service: string, method: K): Rpc<C, K> {
  return new FakeRpc(`${service}.${method}`) as Rpc<C, K>;
}

/** The four services the gateway calls, as in-memory fakes of their Promise clients. */
export class FakeBackends {
  readonly storage = {
    listArticles: rpc<StorageClient, 'listArticles'>('storage', 'listArticles'),
    getArticle: rpc<StorageClient, 'getArticle'>('storage', 'getArticle'),
    similarArticles: rpc<StorageClient, 'similarArticles'>('storage', 'similarArticles'),
    search: rpc<StorageClient, 'search'>('storage', 'search'),
    deleteArticle: rpc<StorageClient, 'deleteArticle'>('storage', 'deleteArticle'),
    getStory: rpc<StorageClient, 'getStory'>('storage', 'getStory'),
    listStories: rpc<StorageClient, 'listStories'>('storage', 'listStories'),
    createUser: rpc<StorageClient, 'createUser'>('storage', 'createUser'),
    getUser: rpc<StorageClient, 'getUser'>('storage', 'getUser'),
    // An instance without accounts (open single-user mode) unless a spec says otherwise.
    countUsers: rpc<StorageClient, 'countUsers'>('storage', 'countUsers').returns({ count: 0 }),
    authenticateApiKey: rpc<StorageClient, 'authenticateApiKey'>('storage', 'authenticateApiKey'),
    createApiKey: rpc<StorageClient, 'createApiKey'>('storage', 'createApiKey'),
    listApiKeys: rpc<StorageClient, 'listApiKeys'>('storage', 'listApiKeys'),
    revokeApiKey: rpc<StorageClient, 'revokeApiKey'>('storage', 'revokeApiKey'),
    putSubscription: rpc<StorageClient, 'putSubscription'>('storage', 'putSubscription'),
    deleteSubscription: rpc<StorageClient, 'deleteSubscription'>('storage', 'deleteSubscription'),
    listSubscriptions: rpc<StorageClient, 'listSubscriptions'>('storage', 'listSubscriptions'),
    setArticleState: rpc<StorageClient, 'setArticleState'>('storage', 'setArticleState'),
    listUserArticles: rpc<StorageClient, 'listUserArticles'>('storage', 'listUserArticles'),
    markAllRead: rpc<StorageClient, 'markAllRead'>('storage', 'markAllRead'),
    setArticleStates: rpc<StorageClient, 'setArticleStates'>('storage', 'setArticleStates'),
    createSavedSearch: rpc<StorageClient, 'createSavedSearch'>('storage', 'createSavedSearch'),
    listSavedSearches: rpc<StorageClient, 'listSavedSearches'>('storage', 'listSavedSearches'),
    getSavedSearch: rpc<StorageClient, 'getSavedSearch'>('storage', 'getSavedSearch'),
    deleteSavedSearch: rpc<StorageClient, 'deleteSavedSearch'>('storage', 'deleteSavedSearch'),
    listPushEvents: rpc<StorageClient, 'listPushEvents'>('storage', 'listPushEvents'),
    listPushRules: rpc<StorageClient, 'listPushRules'>('storage', 'listPushRules'),
    createPushRule: rpc<StorageClient, 'createPushRule'>('storage', 'createPushRule'),
    getPushRule: rpc<StorageClient, 'getPushRule'>('storage', 'getPushRule'),
    updatePushRule: rpc<StorageClient, 'updatePushRule'>('storage', 'updatePushRule'),
    deletePushRule: rpc<StorageClient, 'deletePushRule'>('storage', 'deletePushRule'),
    listWebhooks: rpc<StorageClient, 'listWebhooks'>('storage', 'listWebhooks'),
    createWebhook: rpc<StorageClient, 'createWebhook'>('storage', 'createWebhook'),
    updateWebhook: rpc<StorageClient, 'updateWebhook'>('storage', 'updateWebhook'),
    deleteWebhook: rpc<StorageClient, 'deleteWebhook'>('storage', 'deleteWebhook'),
    testWebhook: rpc<StorageClient, 'testWebhook'>('storage', 'testWebhook'),
    listWebhookDeliveries: rpc<StorageClient, 'listWebhookDeliveries'>('storage', 'listWebhookDeliveries'),
    getDigestSettings: rpc<StorageClient, 'getDigestSettings'>('storage', 'getDigestSettings'),
    putDigestSettings: rpc<StorageClient, 'putDigestSettings'>('storage', 'putDigestSettings'),
    setPassword: rpc<StorageClient, 'setPassword'>('storage', 'setPassword'),
    getPasswordHash: rpc<StorageClient, 'getPasswordHash'>('storage', 'getPasswordHash'),
    signInWithIdentity: rpc<StorageClient, 'signInWithIdentity'>('storage', 'signInWithIdentity'),
    linkIdentity: rpc<StorageClient, 'linkIdentity'>('storage', 'linkIdentity'),
    listIdentities: rpc<StorageClient, 'listIdentities'>('storage', 'listIdentities'),
    unlinkIdentity: rpc<StorageClient, 'unlinkIdentity'>('storage', 'unlinkIdentity'),
    createSession: rpc<StorageClient, 'createSession'>('storage', 'createSession'),
    authenticateSession: rpc<StorageClient, 'authenticateSession'>('storage', 'authenticateSession'),
    deleteSessions: rpc<StorageClient, 'deleteSessions'>('storage', 'deleteSessions'),
  };
  readonly sources = {
    addSource: rpc<SourcesClient, 'addSource'>('sources', 'addSource'),
    updateSource: rpc<SourcesClient, 'updateSource'>('sources', 'updateSource'),
    previewSource: rpc<SourcesClient, 'previewSource'>('sources', 'previewSource'),
    listSources: rpc<SourcesClient, 'listSources'>('sources', 'listSources'),
    getSource: rpc<SourcesClient, 'getSource'>('sources', 'getSource'),
    refreshSource: rpc<SourcesClient, 'refreshSource'>('sources', 'refreshSource'),
    resumeSource: rpc<SourcesClient, 'resumeSource'>('sources', 'resumeSource'),
    pauseSource: rpc<SourcesClient, 'pauseSource'>('sources', 'pauseSource'),
    importOpml: rpc<SourcesClient, 'importOpml'>('sources', 'importOpml'),
    exportOpml: rpc<SourcesClient, 'exportOpml'>('sources', 'exportOpml'),
    verifyWebSubIntent: rpc<SourcesClient, 'verifyWebSubIntent'>('sources', 'verifyWebSubIntent'),
    deliverWebSubContent: rpc<SourcesClient, 'deliverWebSubContent'>('sources', 'deliverWebSubContent'),
  };
  readonly recommender = {
    recordEvent: rpc<RecommenderClient, 'recordEvent'>('recommender', 'recordEvent'),
    getRecommendations: rpc<RecommenderClient, 'getRecommendations'>('recommender', 'getRecommendations'),
    getFeedControls: rpc<RecommenderClient, 'getFeedControls'>('recommender', 'getFeedControls'),
    putFeedRule: rpc<RecommenderClient, 'putFeedRule'>('recommender', 'putFeedRule'),
    deleteFeedRule: rpc<RecommenderClient, 'deleteFeedRule'>('recommender', 'deleteFeedRule'),
    putFeedBlend: rpc<RecommenderClient, 'putFeedBlend'>('recommender', 'putFeedBlend'),
    putArticleFeedback: rpc<RecommenderClient, 'putArticleFeedback'>('recommender', 'putArticleFeedback'),
    getDigest: rpc<RecommenderClient, 'getDigest'>('recommender', 'getDigest'),
    getStoryBrief: rpc<RecommenderClient, 'getStoryBrief'>('recommender', 'getStoryBrief'),
  };
  readonly analysis = {
    getModelInfo: rpc<AnalysisClient, 'getModelInfo'>('analysis', 'getModelInfo'),
    embed: rpc<AnalysisClient, 'embed'>('analysis', 'embed'),
    embedQueries: rpc<AnalysisClient, 'embedQueries'>('analysis', 'embedQueries'),
    getReembedProgress: rpc<AnalysisClient, 'getReembedProgress'>('analysis', 'getReembedProgress'),
    getLlmStatus: rpc<AnalysisClient, 'getLlmStatus'>('analysis', 'getLlmStatus'),
    pullModel: rpc<AnalysisClient, 'pullModel'>('analysis', 'pullModel'),
    getPullJob: rpc<AnalysisClient, 'getPullJob'>('analysis', 'getPullJob'),
    listModels: rpc<AnalysisClient, 'listModels'>('analysis', 'listModels'),
  };

  storageClient(): Partial<StorageClient> {
    return callsOf(this.storage);
  }

  sourcesClient(): Partial<SourcesClient> {
    return callsOf(this.sources);
  }

  recommenderClient(): Partial<RecommenderClient> {
    return callsOf(this.recommender);
  }

  analysisClient(): Partial<AnalysisClient> {
    return callsOf(this.analysis);
  }
}

function callsOf<T extends Record<string, { call: (request: never) => Promise<unknown> }>>(rpcs: T): { [K in keyof T]: T[K]['call'] } {
  return Object.fromEntries(Object.entries(rpcs).map(([name, fake]) => [name, fake.call])) as { [K in keyof T]: T[K]['call'] };
}

const FETCHED = new Date('2026-11-20T10:00:00.000Z');

export function aSource(overrides: Partial<Source> = {}): Source {
  return {
    id: 'src-1',
    url: 'https://example.org/feed.xml',
    title: 'Example feed',
    kind: SourceKind.SOURCE_KIND_FEED,
    status: SourceStatus.SOURCE_STATUS_ACTIVE,
    intervalSeconds: 900,
    lastError: '',
    consecutiveFailures: 0,
    lastFetchedAt: toTimestamp(FETCHED),
    nextCheckAt: toTimestamp(new Date('2026-11-20T10:15:00.000Z')),
    createdAt: toTimestamp(new Date('2026-11-01T00:00:00.000Z')),
    articleCount: '12',
    fullTextPending: '0',
    pausedAt: undefined,
    origin: 'api',
    effectiveIntervalSeconds: 900,
    category: '',
    fullText: false,
    etag: '',
    lastModified: '',
    ...overrides,
  };
}

export function anArticle(overrides: Partial<storage.Article> = {}): storage.Article {
  return {
    id: 'art-1',
    sourceId: 'src-1',
    url: 'https://example.org/a/1',
    title: 'Local models are enough',
    author: 'Ada',
    publishedAt: toTimestamp(new Date('2026-11-19T08:30:00.000Z')),
    fetchedAt: toTimestamp(FETCHED),
    contentHtml: '<p>Small models run on laptops.</p>',
    text: 'Small models run on laptops.',
    language: 'en',
    keywords: ['models', 'laptops'],
    topic: 'technology',
    summary: 'Small models run on laptops.',
    simhash: 'abcd',
    modelVersion: 'use-lite@1',
    analyzed: true,
    sourceTitle: 'Example feed',
    storyId: '',
    fullTextState: 0,
    fullTextFailure: '',
    llmSummary: '',
    llmSummaryLanguage: '',
    llmSummaryModel: '',
    llmSummaryInputHash: '',
    ...overrides,
  };
}

export function anArticleRef(overrides: Partial<ArticleRef> = {}): ArticleRef {
  return {
    id: 'art-2',
    sourceId: 'src-1',
    url: 'https://example.org/a/2',
    title: 'Batching on CPUs',
    language: 'en',
    topic: 'technology',
    summary: 'Dynamic batching helps.',
    publishedAt: toTimestamp(new Date('2026-11-18T12:00:00.000Z')),
    ...overrides,
  };
}

/** A reading-list entry: anArticleRef, unread and not starred, item number 7 of feed 1, without content. */
export function aUserArticle(overrides: Partial<storage.UserArticle> = {}): storage.UserArticle {
  return {
    article: anArticleRef(),
    marks: { read: false, starred: false, readAt: undefined, starredAt: undefined },
    itemNumber: '7',
    feedNumber: '1',
    author: '',
    contentHtml: '',
    sourceTitle: '',
    ...overrides,
  };
}

/** A subscription to aSource() in no folder, feed number 1. */
export function aSubscription(overrides: Partial<storage.Subscription> = {}): storage.Subscription {
  return {
    source: aSource(),
    category: '',
    createdAt: toTimestamp(new Date('2026-11-02T00:00:00.000Z')),
    feedNumber: '1',
    ...overrides,
  };
}
