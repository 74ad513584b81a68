import { HostPacer } from './host-pacer';

describe(HostPacer.name, () => {
  const clock = { ms: 1_000_000, now() { return new Date(this.ms); } };
  let slept: number[];
  let sut: HostPacer;

  beforeEach(() => {
    slept = [];
    sut = new HostPacer(clock, async (ms) => {
      slept.push(ms);
    });
  });

  it('spaces the starts of one host by the delay, without holding back other hosts', async () => {
    await Promise.all([sut.wait('a.example', 1000), sut.wait('a.example', 1000), sut.wait('b.example', 1000), sut.wait('a.example', 1000)]);

    expect(slept).toEqual([1000, 2000]);
  });

  it('does not wait once the delay has passed, nor when there is no delay', async () => {
    await sut.wait('a.example', 500);
    clock.ms += 600;
    await sut.wait('a.example', 500);
    await sut.wait('a.example', 0);

    expect(slept).toEqual([]);
  });
});
