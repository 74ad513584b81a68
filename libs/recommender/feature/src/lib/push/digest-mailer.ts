import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { fromTimestamp, STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { DigestComposer, parseDigestPeriod } from './digest-composer';

/** How long a claimed digest is ours before another sender may take it (a crash mid-send). */
const CLAIM_LEASE_SECONDS = 300;
const CLAIM_BATCH = 20;

/**
 * E-mails due digests through SMTP (nodemailer) when push.smtp.url is set. Each tick claims due
 * digests from storage (their schedule is derived from the last window sent, so it survives
 * restarts), composes, sends and records each; a failed send is retried once its claim expires.
 * A digest with nothing in it is recorded without a mail.
 */
@Injectable()
export class DigestMailer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestMailer.name);
  private transport: Transporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    private readonly composer: DigestComposer,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.push.smtp.url) return;
    this.transport = createTransport(this.config.push.smtp.url);
    this.timer = setInterval(() => void this.tick(), this.config.push.digest.tickSeconds * 1000);
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    this.transport?.close();
  }

  /** One round (never two at once). */
  tick(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.sendDue()
      .catch((error: Error) => this.logger.warn(`digest round failed: ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async sendDue(): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    const { digests } = await this.storage.claimDueDigests({ limit: CLAIM_BATCH, leaseSeconds: CLAIM_LEASE_SECONDS });
    for (const due of digests) {
      if (this.stopped) return;
      const windowStart = fromTimestamp(due.windowStart) ?? new Date();
      try {
        // The period before now: at the start of a window that is the window before it.
        const digest = await this.composer.compose(due.userId, parseDigestPeriod(due.period), new Date(), due.userName);
        if (digest.items.length > 0) {
          await transport.sendMail({
            from: this.config.push.smtp.from,
            to: due.email,
            subject: `Your ${digest.period} news digest: ${digest.items.length} ${digest.items.length === 1 ? 'story' : 'stories'}`,
            text: digest.text,
            html: digest.html,
            headers: { 'X-AutoGLM-Digest': `${due.userId}/${windowStart.toISOString()}` },
          });
        }
        await this.storage.recordDigestSent({ userId: due.userId, windowStart: due.windowStart });
      } catch (error) {
        this.logger.warn(`digest for user ${due.userId} not sent (retried after its claim expires): ${(error as Error).message}`);
      }
    }
  }
}
