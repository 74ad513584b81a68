/** Push to users: the per-user event stream, rules, webhooks and digests. */
export interface PushConfig {
  stream: {
    /** Seconds between two heartbeat comment lines on an idle stream (PUSH_HEARTBEAT_SECONDS). */
    heartbeatSeconds: number;
    /** Open streams one user may hold at once; one more is refused with 429 (PUSH_MAX_STREAMS_PER_USER). */
    maxStreamsPerUser: number;
    /**
     * Bytes a stream may have waiting in its socket for a client that does not read; past it the
     * client is dropped (it resumes with Last-Event-ID) rather than held in memory (PUSH_STREAM_MAX_BUFFERED_BYTES).
     */
    maxBufferedBytes: number;
    /** Most missed events replayed from the database on a resume (Last-Event-ID) (PUSH_REPLAY_LIMIT). */
    replayLimit: number;
  };
  forYou: {
    /** A newly analysed article is pushed as For You when the recommender scores it at least this (PUSH_FOR_YOU_MIN_SCORE). */
    minScore: number;
    /** Users scored per batch of new articles, most recently active first (PUSH_FOR_YOU_MAX_USERS). */
    maxUsersPerBatch: number;
    /** Newly analysed articles gathered into one batch (PUSH_BATCH_SIZE). */
    batchSize: number;
    /** How long the first article of a batch waits for others (PUSH_BATCH_DELAY_MS). */
    batchDelayMs: number;
  };
  webhooks: {
    /** Attempts of one delivery, the first included (WEBHOOK_MAX_ATTEMPTS). */
    maxAttempts: number;
    /** Wait before the second attempt; doubled for each later one (WEBHOOK_BACKOFF_MS). */
    backoffMs: number;
    /** Consecutive failed attempts after which an endpoint is disabled (WEBHOOK_DISABLE_AFTER_FAILURES). */
    disableAfterFailures: number;
    /** Deadline of one attempt (WEBHOOK_TIMEOUT_MS). */
    timeoutMs: number;
  };
  digest: {
    /** Seconds between two looks for due digests (DIGEST_TICK_SECONDS). */
    tickSeconds: number;
    /** Stories in one digest (DIGEST_MAX_ITEMS). */
    maxItems: number;
  };
  smtp: {
    /** SMTP server, `smtp://user:pass@host:587` or `smtps://…`; empty = digests are not e-mailed (SMTP_URL). */
    url: string;
    /** The From address of digest e-mails (SMTP_FROM). */
    from: string;
  };
}

export function defaultPushConfig(): PushConfig {
  return {
    stream: { heartbeatSeconds: 15, maxStreamsPerUser: 5, maxBufferedBytes: 256 * 1024, replayLimit: 500 },
    forYou: { minScore: 0.55, maxUsersPerBatch: 200, batchSize: 64, batchDelayMs: 250 },
    webhooks: { maxAttempts: 6, backoffMs: 2_000, disableAfterFailures: 10, timeoutMs: 10_000 },
    digest: { tickSeconds: 60, maxItems: 10 },
    smtp: { url: '', from: 'Open-AutoGLM <digest@localhost>' },
  };
}

type Env = Record<string, string | undefined>;

const INTEGER_SETTINGS: Array<[string, (c: PushConfig, v: number) => void]> = [
  ['PUSH_HEARTBEAT_SECONDS', (c, v) => (c.stream.heartbeatSeconds = v)],
  ['PUSH_MAX_STREAMS_PER_USER', (c, v) => (c.stream.maxStreamsPerUser = v)],
  ['PUSH_STREAM_MAX_BUFFERED_BYTES', (c, v) => (c.stream.maxBufferedBytes = v)],
  ['PUSH_REPLAY_LIMIT', (c, v) => (c.stream.replayLimit = v)],
  ['PUSH_FOR_YOU_MAX_USERS', (c, v) => (c.forYou.maxUsersPerBatch = v)],
  ['PUSH_BATCH_SIZE', (c, v) => (c.forYou.batchSize = v)],
  ['PUSH_BATCH_DELAY_MS', (c, v) => (c.forYou.batchDelayMs = v)],
  ['WEBHOOK_MAX_ATTEMPTS', (c, v) => (c.webhooks.maxAttempts = v)],
  ['WEBHOOK_BACKOFF_MS', (c, v) => (c.webhooks.backoffMs = v)],
  ['WEBHOOK_DISABLE_AFTER_FAILURES', (c, v) => (c.webhooks.disableAfterFailures = v)],
  ['WEBHOOK_TIMEOUT_MS', (c, v) => (c.webhooks.timeoutMs = v)],
  ['DIGEST_TICK_SECONDS', (c, v) => (c.digest.tickSeconds = v)],
  ['DIGEST_MAX_ITEMS', (c, v) => (c.digest.maxItems = v)],
];

export function applyPushEnv(push: PushConfig, env: Env, fail: (message: string) => Error): void {
  for (const [name, set] of INTEGER_SETTINGS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw fail(`${name} must be a non-negative integer, got "${raw}"`);
    set(push, n);
  }
  const minScore = env['PUSH_FOR_YOU_MIN_SCORE'];
  if (minScore !== undefined && minScore !== '') {
    const n = Number(minScore);
    if (!Number.isFinite(n)) throw fail(`PUSH_FOR_YOU_MIN_SCORE must be a number, got "${minScore}"`);
    push.forYou.minScore = n;
  }
  if (env['SMTP_URL'] !== undefined) push.smtp.url = env['SMTP_URL'].trim();
  if (env['SMTP_FROM'] !== undefined && env['SMTP_FROM'].trim()) push.smtp.from = env['SMTP_FROM'].trim();
}

function within(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function validatePush(push: PushConfig, fail: (message: string) => Error): void {
  const ranges: Array<[unknown, number, number, string]> = [
    [push.stream.heartbeatSeconds, 1, 3_600, 'push.stream.heartbeatSeconds (PUSH_HEARTBEAT_SECONDS)'],
    [push.stream.maxStreamsPerUser, 1, 1_000, 'push.stream.maxStreamsPerUser (PUSH_MAX_STREAMS_PER_USER)'],
    [push.stream.maxBufferedBytes, 1_024, 64 * 1024 * 1024, 'push.stream.maxBufferedBytes (PUSH_STREAM_MAX_BUFFERED_BYTES)'],
    [push.stream.replayLimit, 0, 10_000, 'push.stream.replayLimit (PUSH_REPLAY_LIMIT)'],
    [push.forYou.maxUsersPerBatch, 0, 100_000, 'push.forYou.maxUsersPerBatch (PUSH_FOR_YOU_MAX_USERS)'],
    [push.forYou.batchSize, 1, 1_000, 'push.forYou.batchSize (PUSH_BATCH_SIZE)'],
    [push.forYou.batchDelayMs, 0, 60_000, 'push.forYou.batchDelayMs (PUSH_BATCH_DELAY_MS)'],
    [push.webhooks.maxAttempts, 1, 50, 'push.webhooks.maxAttempts (WEBHOOK_MAX_ATTEMPTS)'],
    [push.webhooks.backoffMs, 10, 86_400_000, 'push.webhooks.backoffMs (WEBHOOK_BACKOFF_MS)'],
    [push.webhooks.disableAfterFailures, 1, 10_000, 'push.webhooks.disableAfterFailures (WEBHOOK_DISABLE_AFTER_FAILURES)'],
    [push.webhooks.timeoutMs, 100, 300_000, 'push.webhooks.timeoutMs (WEBHOOK_TIMEOUT_MS)'],
    [push.digest.tickSeconds, 1, 86_400, 'push.digest.tickSeconds (DIGEST_TICK_SECONDS)'],
    [push.digest.maxItems, 1, 100, 'push.digest.maxItems (DIGEST_MAX_ITEMS)'],
  ];
  for (const [value, min, max, name] of ranges) {
    if (!within(value, min, max)) throw fail(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  if (typeof push.forYou.minScore !== 'number' || !Number.isFinite(push.forYou.minScore)) {
    throw fail(`push.forYou.minScore must be a number (PUSH_FOR_YOU_MIN_SCORE), got ${JSON.stringify(push.forYou.minScore)}`);
  }
  if (typeof push.smtp.url !== 'string' || (push.smtp.url !== '' && !/^smtps?:\/\/[^/\s]+/.test(push.smtp.url))) {
    throw fail('push.smtp.url must be smtp://[user:pass@]host[:port] or smtps://… (SMTP_URL)');
  }
  if (typeof push.smtp.from !== 'string' || push.smtp.from.trim() === '') throw fail('push.smtp.from must be an address (SMTP_FROM)');
}
