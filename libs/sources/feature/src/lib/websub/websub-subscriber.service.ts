import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SourceStatus, storage } from '@autoglm/contracts';
import { APP_CONFIG, webSubActivity, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { CRAWLER_CLIENT, STORAGE_CLIENT, fromTimestamp, toTimestamp, type CrawlerClient, type StorageClient } from '@autoglm/shared-grpc';
import { WEBSUB_CLOCK, systemWebSubClock, type WebSubClock } from './websub-clock';
import { RETRY_AFTER_FAILURE_SECONDS, VERIFICATION_WAIT_SECONDS, callbackUrl } from './websub-policy';
import { PeriodicRound } from '../periodic-round';

const { WebSubState } = storage;

/** How long claimed subscriptions stay invisible to other replicas while their requests run. */
const CLAIM_LEASE_SECONDS = 300;

/**
 * Sends WebSub subscription requests: on each tick it claims the subscriptions that are due
 * (newly discovered hubs, leases near their end, requests never verified, failures to retry)
 * and asks the hub, through the crawler's guarded fetcher, to (re)subscribe — or to unsubscribe
 * when the source is paused. Active only with websub.enabled and a callback base URL.
 */
@Injectable()
export class WebSubSubscriber implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebSubSubscriber.name);
  private readonly rounds = new PeriodicRound(
    'websub renewal round',
    () => this.renewDue(),
    (error) => this.logger.warn(`WebSub tick failed: ${error.message}`),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(CRAWLER_CLIENT) private readonly crawler: CrawlerClient,
    @Optional() @Inject(WEBSUB_CLOCK) private readonly clock: WebSubClock = systemWebSubClock,
  ) {}

  onApplicationBootstrap(): void {
    const activity = webSubActivity(this.config.websub);
    if (!activity.active) {
      this.logger.log(`WebSub subscriptions are inactive: ${activity.reason}`);
      return;
    }
    if (!this.config.scheduler.enabled) return;
    this.rounds.start(this.config.scheduler.tickMs);
  }

  /** Waits for a round in progress: its claims are enqueued (or recorded) before the service goes on stopping. */
  async onModuleDestroy(): Promise<void> {
    await this.rounds.stop();
  }

  /** One round: acts on every due subscription; returns how many. Never runs twice at once. */
  tick(): Promise<number> {
    if (!webSubActivity(this.config.websub).active) return Promise.resolve(0);
    return this.rounds.run();
  }

  private async renewDue(): Promise<number> {
    const { subscriptions } = await this.storage.claimWebSubRenewals({
      limit: this.config.scheduler.batchSize,
      leaseSeconds: CLAIM_LEASE_SECONDS,
    });
    for (const subscription of subscriptions) {
      try {
        await this.act(subscription);
      } catch (error) {
        this.logger.warn(`WebSub subscription of source ${subscription.sourceId} failed: ${(error as Error).message}`);
      }
    }
    return subscriptions.length;
  }

  private async act(subscription: storage.WebSubSubscription): Promise<void> {
    let status: SourceStatus;
    try {
      const { source } = await this.storage.getSource({ id: subscription.sourceId });
      status = source?.status ?? SourceStatus.SOURCE_STATUS_UNSPECIFIED;
    } catch (error) {
      // The source was removed: its subscription row goes with it.
      if (isDomainError(error) && error.code === ErrorCode.NotFound) return;
      throw error;
    }
    if (status === SourceStatus.SOURCE_STATUS_PAUSED) await this.unsubscribe(subscription);
    else await this.subscribe(subscription);
  }

  /**
   * (Re)subscribes. The state is saved before the request because a hub may verify before it
   * answers. A renewal keeps the secret and the ACTIVE state, so pushes signed with that secret
   * go on being accepted while the hub verifies the renewal.
   */
  private async subscribe(subscription: storage.WebSubSubscription): Promise<void> {
    const now = this.clock.now();
    const renewing = subscription.state === WebSubState.WEB_SUB_STATE_ACTIVE;
    const secret = subscription.secret || randomBytes(32).toString('hex');
    const sent = {
      ...subscription,
      state: renewing ? WebSubState.WEB_SUB_STATE_ACTIVE : WebSubState.WEB_SUB_STATE_PENDING,
      secret,
      leaseSeconds: renewing ? subscription.leaseSeconds : this.config.websub.leaseSeconds,
      leaseExpiresAt: renewing ? subscription.leaseExpiresAt : undefined,
      renewAt: toTimestamp(after(now, VERIFICATION_WAIT_SECONDS)),
      lastError: '',
    };
    await this.storage.saveWebSubSubscription({ subscription: sent });
    const answer = await this.crawler.subscribeHub({
      hubUrl: subscription.hubUrl,
      topicUrl: subscription.topicUrl,
      callbackUrl: callbackUrl(this.config.websub.callbackBaseUrl, subscription.sourceId),
      secret,
      leaseSeconds: this.config.websub.leaseSeconds,
      unsubscribe: false,
    });
    if (answer.accepted) {
      this.logger.log(`source ${subscription.sourceId}: subscription request accepted by ${subscription.hubUrl}`);
      return;
    }
    this.logger.warn(`source ${subscription.sourceId}: subscription request refused: ${answer.error}`);
    await this.storage.saveWebSubSubscription({
      subscription: {
        ...sent,
        state: renewing ? WebSubState.WEB_SUB_STATE_ACTIVE : WebSubState.WEB_SUB_STATE_DISCOVERED,
        renewAt: toTimestamp(after(now, RETRY_AFTER_FAILURE_SECONDS)),
        lastError: answer.error,
      },
    });
  }

  /** A paused source stops its pushes: the hub is asked to unsubscribe (if anything was ever requested). */
  private async unsubscribe(subscription: storage.WebSubSubscription): Promise<void> {
    const requested = subscription.secret !== '' && subscription.state !== WebSubState.WEB_SUB_STATE_DENIED;
    const leaseLeft = (fromTimestamp(subscription.leaseExpiresAt)?.getTime() ?? 0) > this.clock.now().getTime();
    if (!requested || (subscription.state === WebSubState.WEB_SUB_STATE_EXPIRED && !leaseLeft)) {
      // Nothing to cancel at the hub. UNSUBSCRIBED (not DENIED) lets the next crawl after a resume subscribe again.
      const state = subscription.state === WebSubState.WEB_SUB_STATE_DENIED ? subscription.state : WebSubState.WEB_SUB_STATE_UNSUBSCRIBED;
      await this.storage.saveWebSubSubscription({ subscription: { ...subscription, state, renewAt: undefined } });
      return;
    }
    const waiting = { ...subscription, state: WebSubState.WEB_SUB_STATE_UNSUBSCRIBING, renewAt: undefined, lastError: '' };
    await this.storage.saveWebSubSubscription({ subscription: waiting });
    const answer = await this.crawler.subscribeHub({
      hubUrl: subscription.hubUrl,
      topicUrl: subscription.topicUrl,
      callbackUrl: callbackUrl(this.config.websub.callbackBaseUrl, subscription.sourceId),
      secret: '',
      leaseSeconds: 0,
      unsubscribe: true,
    });
    if (!answer.accepted) await this.storage.saveWebSubSubscription({ subscription: { ...waiting, lastError: answer.error } });
  }
}

function after(now: Date, seconds: number): Date {
  return new Date(now.getTime() + seconds * 1000);
}
