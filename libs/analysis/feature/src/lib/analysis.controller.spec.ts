import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import { from, lastValueFrom, toArray } from 'rxjs';
import { defaultConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import type { LlmArticleSummaries } from './llm/llm-article-summaries';
import { AnalysisController, mapCallOptions, mapItemError, type GrpcCallContext } from './analysis.controller';
import type { AnalysisService } from './analysis.service';
import type { InferenceOptions } from './embedding.service';
import type { ModelPullJobs } from './hub/model-pull-jobs.service';
import type { ReembedWorker } from './reembed/reembed-worker';
import type { SummaryService } from './summary/summary.service';

/** A grpc-js server call stand-in: a deadline and a 'cancelled' event. */
function fakeCall(deadline: Date | number, cancelled = false): GrpcCallContext & { cancel(): void } {
  const events = new EventEmitter();
  return {
    cancelled,
    getDeadline: () => deadline,
    once: (event, listener) => events.once(event, listener),
    cancel: () => events.emit('cancelled'),
  };
}

describe(AnalysisController.name, () => {
  describe(mapCallOptions.name, () => {
    it('puts the request in the given lane, with the call deadline in epoch ms', () => {
      const options = mapCallOptions(fakeCall(new Date(1_700_000_000_000)), 'interactive');
      expect(options).toMatchObject({ priority: 'interactive', deadline: 1_700_000_000_000 });
      expect(mapCallOptions(fakeCall(1_700_000_000_500), 'bulk')).toMatchObject({ priority: 'bulk', deadline: 1_700_000_000_500 });
    });

    it('leaves out a deadline the client did not set (Infinity)', () => {
      expect(mapCallOptions(fakeCall(Number.POSITIVE_INFINITY), 'interactive')).not.toHaveProperty('deadline');
    });

    it('aborts the signal when the client cancels the call, or at once if it already has', () => {
      const call = fakeCall(Number.POSITIVE_INFINITY);
      const options = mapCallOptions(call, 'interactive');
      expect(options.signal?.aborted).toBe(false);
      call.cancel();
      expect(options.signal?.aborted).toBe(true);

      expect(mapCallOptions(fakeCall(Number.POSITIVE_INFINITY, true), 'interactive').signal?.aborted).toBe(true);
    });

    it('has only a priority without a call (in-process use)', () => {
      expect(mapCallOptions(undefined, 'interactive')).toEqual({ priority: 'interactive' });
    });
  });

  describe('embedStream', () => {
    it('sends every item through the bulk lane and answers failures per item', async () => {
      const lanes: InferenceOptions['priority'][] = [];
      const service = {
        embedText: async (text: string, _model: string, options: InferenceOptions) => {
          lanes.push(options.priority);
          if (text === 'boom') throw new Error('a stack trace with internals');
          return { embedding: { vector: new Float32Array([1, 0]), knownTokens: 1, truncated: false }, modelVersion: 'm@1' };
        },
      } as unknown as AnalysisService;
      const sut = new AnalysisController(service, {} as SummaryService, {} as ModelPullJobs, {} as ReembedWorker, defaultConfig(), {} as LlmArticleSummaries);

      const answers = await lastValueFrom(
        sut.embedStream(from([{ id: 'a', text: 'cat', model: '' }, { id: 'b', text: 'boom', model: '' }])).pipe(toArray()),
      );

      expect(lanes).toEqual(['bulk', 'bulk']);
      expect(answers).toEqual([
        { id: 'a', embedding: { vector: [1, 0], knownTokens: 1, truncated: false }, modelVersion: 'm@1', error: undefined },
        { id: 'b', embedding: undefined, modelVersion: '', error: { code: status.INTERNAL, message: 'the item could not be processed' } },
      ]);
    });
  });

  describe(mapItemError.name, () => {
    it('keeps the code and message of domain errors', () => {
      expect(mapItemError(DomainError.resourceExhausted('inference queue is full'))).toEqual({ code: status.RESOURCE_EXHAUSTED, message: 'inference queue is full' });
      expect(mapItemError(DomainError.notFound('model x is not installed'))).toEqual({ code: status.NOT_FOUND, message: 'model x is not installed' });
    });
  });
});
