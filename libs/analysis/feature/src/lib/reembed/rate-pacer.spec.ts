import { RatePacer } from './rate-pacer';

describe(RatePacer.name, () => {
  it('spaces takes 1000/rate ms apart without saving up idle time', async () => {
    let now = 1_000;
    const slept: number[] = [];
    const sut = new RatePacer(4, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });

    await sut.take();
    await sut.take();
    await sut.take();
    expect(slept).toEqual([250, 250]);
    expect(now).toBe(1_500);

    now += 10_000; // idle: the next take is immediate, the one after it waits a full interval again
    await sut.take();
    await sut.take();
    expect(slept).toEqual([250, 250, 250]);
  });

  it('spaces concurrent takers too', async () => {
    const now = 0;
    const wakeups: number[] = [];
    const sut = new RatePacer(10, () => now, async (ms) => {
      wakeups.push(now + ms);
    });
    await Promise.all([sut.take(), sut.take(), sut.take()]);
    expect(wakeups).toEqual([100, 200]);
  });

  it.each([0, -1, Number.NaN])('refuses the rate %p', (rate) => {
    expect(() => new RatePacer(rate, () => 0)).toThrow(RangeError);
  });
});
