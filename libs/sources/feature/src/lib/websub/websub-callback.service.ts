import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { sources, storage } from '@autoglm/contracts';
import { APP_CONFIG, webSubMaxPushBytes, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { CRAWLER_CLIENT, STORAGE_CLIENT, toTimestamp, type CrawlerClient, type StorageClient } from '@autoglm/shared-grpc';
import { checkHubSignature } from './hub-signature';
import { WEBSUB_CLOCK, systemWebSubClock, type WebSubClock } from './websub-clock';
import { renewalTime, sameTopic, stateName } from './websub-policy';

const { WebSubState } = storage;

/** Errors of the crawler that mean "this document cannot be stored", not "try again later". */
const CONTENT_ERRORS = new Set<ErrorCode>([ErrorCode.InvalidArgument, ErrorCode.FailedPrecondition]);

/**
 * What a hub sends to our callback: intent verification (we confirm only what we asked for)
 * and content distribution (stored only when signed with the subscription's secret). The
 * secret never leaves sources and storage, so the signature is checked here, not at the gateway.
 */
@Injectable()
export class WebSubCallbacks {
  private readonly logger = new Logger(WebSubCallbacks.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(CRAWLER_CLIENT) private readonly crawler: CrawlerClient,
    @Optional() @Inject(WEBSUB_CLOCK) private readonly clock: WebSubClock = systemWebSubClock,
  ) {}

  /**
   * Answers a verification request (WebSub §5.3): subscribe is confirmed for a PENDING or ACTIVE
   * subscription of the same topic (it becomes ACTIVE with the hub's lease), unsubscribe for one
   * we are unsubscribing; a denial of our topic is recorded. Anything else is not confirmed (404).
   */
  async verifyIntent(request: sources.VerifyWebSubIntentRequest): Promise<boolean> {
    const subscription = await this.find(request.sourceId);
    if (!subscription || !sameTopic(request.topic, subscription.topicUrl)) return false;
    const now = this.clock.now();
    switch (request.mode) {
      case 'subscribe': {
        const asked = subscription.state === WebSubState.WEB_SUB_STATE_PENDING || subscription.state === WebSubState.WEB_SUB_STATE_ACTIVE;
        if (!asked || !request.challenge) return false;
        const lease = request.leaseSeconds > 0 ? request.leaseSeconds : subscription.leaseSeconds || this.config.websub.leaseSeconds;
        const expiresAt = new Date(now.getTime() + lease * 1000);
        await this.save({
          ...subscription,
          state: WebSubState.WEB_SUB_STATE_ACTIVE,
          leaseSeconds: lease,
          leaseExpiresAt: toTimestamp(expiresAt),
          renewAt: toTimestamp(renewalTime(expiresAt, lease)),
          lastError: '',
        });
        this.logger.log(`source ${request.sourceId}: WebSub subscription verified by the hub, lease ${lease} s`);
        return true;
      }
      case 'unsubscribe': {
        if (subscription.state !== WebSubState.WEB_SUB_STATE_UNSUBSCRIBING || !request.challenge) return false;
        await this.save({ ...subscription, state: WebSubState.WEB_SUB_STATE_UNSUBSCRIBED, leaseExpiresAt: undefined, renewAt: undefined });
        return true;
      }
      case 'denied': {
        const reason = request.reason.trim().slice(0, 500);
        await this.save({
          ...subscription,
          state: WebSubState.WEB_SUB_STATE_DENIED,
          leaseExpiresAt: undefined,
          renewAt: undefined,
          lastError: `the hub denied the subscription${reason ? `: ${reason}` : ''}`,
        });
        this.logger.warn(`source ${request.sourceId}: the hub ${subscription.hubUrl} denied the subscription${reason ? `: ${reason}` : ''}`);
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * A pushed feed document (WebSub §7): ingested when its signature matches the secret; a bad or
   * missing signature is acknowledged but ignored (the spec lets us, and it tells a forger nothing).
   * NOT_FOUND when the source has no subscription we asked for.
   */
  async deliver(request: sources.DeliverWebSubContentRequest): Promise<sources.DeliverWebSubContentResponse> {
    const subscription = await this.find(request.sourceId);
    const receiving =
      subscription !== undefined &&
      subscription.secret !== '' &&
      [WebSubState.WEB_SUB_STATE_PENDING, WebSubState.WEB_SUB_STATE_ACTIVE, WebSubState.WEB_SUB_STATE_EXPIRED].includes(subscription.state);
    if (!subscription || !receiving) throw DomainError.notFound(`source ${request.sourceId} has no WebSub subscription`);
    const body = Buffer.from(request.body);
    const limit = webSubMaxPushBytes(this.config);
    if (body.length > limit) throw DomainError.invalidArgument(`the pushed document is larger than ${limit} bytes`);
    const signature = checkHubSignature(request.signature, body, subscription.secret);
    if (!signature.valid) {
      this.logger.warn(`source ${request.sourceId}: pushed content ignored: ${signature.reason}`);
      return { signatureValid: false, ingested: false, reason: signature.reason, inserted: 0 };
    }
    try {
      const result = await this.crawler.ingestPushedFeed({ sourceId: request.sourceId, body, contentType: request.contentType });
      return { signatureValid: true, ingested: true, reason: '', inserted: result.inserted };
    } catch (error) {
      if (!isDomainError(error) || !CONTENT_ERRORS.has(error.code)) throw error;
      this.logger.warn(`source ${request.sourceId}: pushed content not stored: ${error.message}`);
      return { signatureValid: true, ingested: false, reason: error.message, inserted: 0 };
    }
  }

  /** What a user sees of a source's subscription; undefined when its feed advertises no hub. */
  async status(sourceId: string): Promise<sources.WebSubStatus | undefined> {
    const subscription = await this.find(sourceId);
    if (!subscription) return undefined;
    return {
      hubUrl: subscription.hubUrl,
      state: stateName(subscription.state),
      leaseExpiresAt: subscription.leaseExpiresAt ?? undefined,
      lastError: subscription.lastError,
    };
  }

  private async find(sourceId: string): Promise<storage.WebSubSubscription | undefined> {
    if (!sourceId) return undefined;
    const { subscription } = await this.storage.getWebSubSubscription({ sourceId });
    // proto-loader gives an absent message as null.
    return subscription ?? undefined;
  }

  private async save(subscription: storage.WebSubSubscription): Promise<void> {
    await this.storage.saveWebSubSubscription({ subscription });
  }
}
