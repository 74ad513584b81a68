import { PeriodicRound } from './periodic-round';

describe(PeriodicRound.name, () => {
  it('never runs two rounds at once, and none after stop', async () => {
    let release: () => void = () => undefined;
    let rounds = 0;
    const sut = new PeriodicRound(
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
    const sut = new PeriodicRound(() => new Promise<number>((resolve) => (release = () => resolve(1))), () => undefined);
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
    const sut = new PeriodicRound(async () => {
      if (fail) throw new Error('storage unavailable');
      return 2;
    }, (error) => errors.push(error.message));

    expect(await sut.run()).toBe(0);
    fail = false;
    expect(await sut.run()).toBe(2);
    expect(errors).toEqual(['storage unavailable']);
  });
});
