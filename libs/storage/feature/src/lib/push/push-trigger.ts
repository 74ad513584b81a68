import { Inject, Injectable, Logger } from '@nestjs/common';
import { QUEUE_FACTORY, QUEUE_NAMES, type JobQueue, type PushJob, type QueueFactory } from '@autoglm/shared-queue';

/** The job id of an article's push: a second analysis while the first push still waits is the same job. */
export function pushJobId(articleId: string): string {
  return `push:${articleId}`;
}

/** Hands each newly analysed article to the push worker (the recommender: rules and For You). */
@Injectable()
export class PushTrigger {
  private readonly logger = new Logger(PushTrigger.name);
  private readonly queue: JobQueue<PushJob>;

  constructor(@Inject(QUEUE_FACTORY) queues: QueueFactory) {
    this.queue = queues.get<PushJob>(QUEUE_NAMES.push);
  }

  /** After the analysis committed. A push lost here (queue down) is not retried: the article is stored, only its alert is missed. */
  async articleAnalysed(articleId: string): Promise<void> {
    await this.queue
      .add({ articleId }, { jobId: pushJobId(articleId) })
      .catch((error: Error) => this.logger.warn(`push of article ${articleId} not queued: ${error.message}`));
  }
}
