import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { injectTraceContext, inSpan, installTracing, SpanKind, SpanStatusCode, type InstalledTracing, type TraceCarrier } from '@autoglm/shared-observability';
import { PeriodicRound } from './periodic-round';

describe(PeriodicRound.name, () => {
  it('never runs two rounds at once, and none after stop', async () => {
    let release: () => void = () => undefined;
    let rounds = 0;
    const sut = new PeriodicRound(
      'spec round',
      () => new Promise<number>((resolve) => {
        rounds++;
        release = () => resolve(3);
      }),
      () => undefined,
    );

    const first = sut.run();
    expect(await sut.run()).toBe(0);
    release();
    expect(await first).toBe(3);
    await sut.stop();
    expect(await sut.run()).toBe(0);
    expect(rounds).toBe(1);
  });

  it('stops only once the round running now has ended, so nothing is enqueued after it', async () => {
    let release: () => void = () => undefined;
    const sut = new PeriodicRound('spec round', () => new Promise<number>((resolve) => (release = () => resolve(1))), () => undefined);
    const round = sut.run();
    let stopped = false;
    const stopping = sut.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await round).toBe(1);
  });

  it('reports a failed round, counts it 0 and runs the next one', async () => {
    const errors: string[] = [];
    let fail = true;
    const sut = new PeriodicRound('spec round', async () => {
      if (fail) throw new Error('storage unavailable');
      return 2;
    }, (error) => errors.push(error.message));

    expect(await sut.run()).toBe(0);
    fail = false;
    expect(await sut.run()).toBe(2);
    expect(errors).toEqual(['storage unavailable']);
  });
});

describe(`${PeriodicRound.name} spans`, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: InstalledTracing | undefined;
  beforeAll(() => (tracing = installTracing({ otlpEndpoint: '', serviceName: 'spec' }, 'spec', exporter)));
  afterAll(() => tracing?.shutdown());
  beforeEach(() => exporter.reset());
  const named = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

  it('starts a new trace for each timer round, which the work it hands on (job data) continues', async () => {
    let carried: TraceCarrier = {};
    let ran: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (ran = resolve));
    const sut = new PeriodicRound('spec round', async () => {
      carried = injectTraceContext();
      ran();
      return 4;
    }, () => undefined);

    // Started from inside a request's span: the timer's rounds still belong to no one's trace.
    await inSpan('bootstrap', { kind: SpanKind.INTERNAL }, async () => sut.start(60_000, { now: true }));
    await done;
    await sut.stop();

    const [round] = named('spec round');
    expect(round.parentSpanContext).toBeUndefined();
    expect(round.spanContext().traceId).not.toBe(named('bootstrap')[0].spanContext().traceId);
    expect(round.attributes['autoglm.round.items']).toBe(4);
    expect(carried['traceparent']).toBe(`00-${round.spanContext().traceId}-${round.spanContext().spanId}-01`);
  });

  it('runs a round asked for inside the asker\'s span, and marks a failed round', async () => {
    const sut = new PeriodicRound('spec round', async () => {
      throw new Error('storage unavailable');
    }, () => undefined);

    await inSpan('asker', { kind: SpanKind.SERVER }, () => sut.run());

    const [round] = named('spec round');
    expect(round.parentSpanContext?.spanId).toBe(named('asker')[0].spanContext().spanId);
    expect(round.status).toEqual({ code: SpanStatusCode.ERROR, message: 'storage unavailable' });
  });
});
