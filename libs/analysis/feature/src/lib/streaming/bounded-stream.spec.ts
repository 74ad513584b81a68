import { Subject, lastValueFrom, toArray } from 'rxjs';
import { boundedStream, type StreamFlow } from './bounded-stream';

/** A flow recording pauses/resumes, with an output buffer the test fills and drains. */
function fakeFlow() {
  const events: string[] = [];
  let blocked = false;
  let drained: (() => void) | undefined;
  const flow: StreamFlow = {
    pause: () => events.push('pause'),
    resume: () => events.push('resume'),
    outputBlocked: () => blocked,
    onceOutputDrained: (callback) => (drained = callback),
  };
  return {
    flow,
    events,
    block: () => (blocked = true),
    drain: () => {
      blocked = false;
      drained?.();
    },
  };
}

/** Items the test resolves by hand, to control completion order. */
function manualWork() {
  const pending = new Map<number, (value: string) => void>();
  let running = 0;
  let maxRunning = 0;
  return {
    handle: (n: number) =>
      new Promise<string>((resolve) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        pending.set(n, (value) => {
          running--;
          resolve(value);
        });
      }),
    finish: (n: number) => (pending.get(n) as (v: string) => void)(`done ${n}`),
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe(boundedStream.name, () => {
  it('works on at most maxInFlight items, pauses reading at the bound and resumes when one is answered', async () => {
    const requests = new Subject<number>();
    const work = manualWork();
    const { flow, events } = fakeFlow();
    const sut = boundedStream(requests, work.handle, { maxInFlight: 2, flow });
    const all = lastValueFrom(sut.pipe(toArray()));

    for (const n of [1, 2, 3, 4]) requests.next(n);
    expect(work.running).toBe(2);
    expect(events).toEqual(['pause']);

    work.finish(2);
    await tick();
    expect(work.running).toBe(2); // 3 started in 2's place
    work.finish(1);
    work.finish(3);
    await tick();
    expect(work.running).toBe(1);
    expect(events).toEqual(['pause', 'resume']);
    requests.complete();
    work.finish(4);

    expect(await all).toEqual(['done 2', 'done 1', 'done 3', 'done 4']);
    expect(work.maxRunning).toBe(2);
  });

  it('completes only after the last answer, and at once for an empty stream', async () => {
    const work = manualWork();
    const requests = new Subject<number>();
    let completed = false;
    boundedStream(requests, work.handle, { maxInFlight: 4 }).subscribe({ complete: () => (completed = true) });
    requests.next(1);
    requests.complete();
    await tick();
    expect(completed).toBe(false);
    work.finish(1);
    await tick();
    expect(completed).toBe(true);

    const empty = new Subject<number>();
    const answers = lastValueFrom(boundedStream(empty, work.handle, { maxInFlight: 4 }).pipe(toArray()));
    empty.complete();
    expect(await answers).toEqual([]);
  });

  it('keeps reading paused while answers wait to be written, and resumes when they are drained', async () => {
    const requests = new Subject<number>();
    const work = manualWork();
    const output = fakeFlow();
    boundedStream(requests, work.handle, { maxInFlight: 10, flow: output.flow }).subscribe();
    output.block();
    requests.next(1);
    expect(output.events).toEqual(['pause']);
    work.finish(1);
    await tick();
    expect(output.events).toEqual(['pause']);
    output.drain();
    expect(output.events).toEqual(['pause', 'resume']);
  });

  it('ends with the error of a handler that rejects (handlers answer per-item failures themselves)', async () => {
    const requests = new Subject<number>();
    const answers = lastValueFrom(boundedStream(requests, () => Promise.reject(new Error('broken')), { maxInFlight: 2 }).pipe(toArray()));
    requests.next(1);
    await expect(answers).rejects.toThrow('broken');
  });

  it('passes on the error of the request stream', async () => {
    const requests = new Subject<number>();
    const answers = lastValueFrom(boundedStream(requests, async (n) => n, { maxInFlight: 2 }).pipe(toArray()));
    requests.error(new Error('the client went away'));
    await expect(answers).rejects.toThrow('the client went away');
  });
});
