import { EventEmitter } from 'node:events';
import { AnalysisController, mapCallOptions, type GrpcCallContext } from './analysis.controller';

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
});
