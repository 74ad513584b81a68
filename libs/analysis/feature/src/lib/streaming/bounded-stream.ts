import { Observable } from 'rxjs';

/**
 * The flow control of the transport under a stream: pausing stops reading requests (HTTP/2 flow
 * control then holds the client back); outputBlocked is true while answers wait to be written.
 */
export interface StreamFlow {
  pause(): void;
  resume(): void;
  outputBlocked(): boolean;
  /** Calls back once the transport wrote out what was waiting. */
  onceOutputDrained(callback: () => void): void;
}

export interface BoundedStreamOptions {
  /** Items being handled at once; more are not read from the transport until one is answered. */
  maxInFlight: number;
  flow?: StreamFlow;
}

/**
 * Handles the items of a request stream concurrently, at most maxInFlight at a time, answering each
 * as soon as it is done (so answers may come out of request order; they carry the request's id).
 * `handle` must answer every item (per-item failures are answers too): a rejection ends the stream.
 * Reading pauses while maxInFlight items are in work or answers are waiting to be written.
 */
export function boundedStream<TReq, TRes>(
  requests: Observable<TReq>,
  handle: (request: TReq) => Promise<TRes>,
  options: BoundedStreamOptions,
): Observable<TRes> {
  const max = Math.max(1, Math.floor(options.maxInFlight));
  const flow = options.flow;
  return new Observable<TRes>((subscriber) => {
    const waiting: TReq[] = [];
    let inFlight = 0;
    let ended = false;
    let paused = false;
    let closed = false;
    let drainPending = false;

    const finishIfDone = () => {
      if (ended && inFlight === 0 && waiting.length === 0 && !closed) {
        closed = true;
        subscriber.complete();
      }
    };
    const adjustFlow = () => {
      if (!flow || closed) return;
      const full = inFlight + waiting.length >= max;
      if (full || flow.outputBlocked()) {
        if (!paused) {
          paused = true;
          flow.pause();
        }
        // Reading resumes when answers are written out (a completion re-checks the in-flight bound).
        if (!full && !drainPending) {
          drainPending = true;
          flow.onceOutputDrained(() => {
            drainPending = false;
            adjustFlow();
          });
        }
      } else if (paused) {
        paused = false;
        flow.resume();
      }
    };
    const startNext = () => {
      while (inFlight < max && waiting.length > 0 && !closed) {
        const request = waiting.shift() as TReq;
        inFlight++;
        handle(request).then(
          (response) => {
            inFlight--;
            if (closed) return;
            subscriber.next(response);
            startNext();
            adjustFlow();
            finishIfDone();
          },
          (error: unknown) => {
            inFlight--;
            if (closed) return;
            closed = true;
            subscriber.error(error);
          },
        );
      }
    };
    const subscription = requests.subscribe({
      next: (request) => {
        // Items already on their way when reading paused are kept and run when a slot frees.
        waiting.push(request);
        startNext();
        adjustFlow();
      },
      error: (error: unknown) => {
        if (closed) return;
        closed = true;
        subscriber.error(error);
      },
      complete: () => {
        ended = true;
        finishIfDone();
      },
    });
    return () => {
      closed = true;
      waiting.length = 0;
      subscription.unsubscribe();
    };
  });
}
