import { SerialRuns } from './serial-runs';

/** A run that waits until released, counting how often it ran and the most runs at once. */
function gatedRun() {
  const state = { runs: 0, active: 0, peak: 0, release: () => undefined as void };
  let gate = Promise.resolve();
  return {
    state,
    close() {
      gate = new Promise<void>((resolve) => (state.release = resolve));
    },
    run: async () => {
      state.runs++;
      state.active++;
      state.peak = Math.max(state.peak, state.active);
      await gate;
      state.active--;
    },
  };
}

describe(SerialRuns.name, () => {
  it('runs once per request when requests do not overlap', async () => {
    const work = gatedRun();
    const sut = new SerialRuns(work.run);

    await sut.request();
    await sut.request();

    expect(work.state.runs).toBe(2);
  });

  it('turns any number of requests during a run into one more run, never two at once', async () => {
    const work = gatedRun();
    work.close();
    const sut = new SerialRuns(work.run);

    const first = sut.request();
    const during = [sut.request(), sut.request(), sut.request()];
    work.state.release();
    await Promise.all([first, ...during]);

    expect(work.state.runs).toBe(2);
    expect(work.state.peak).toBe(1);
  });

  it('starts nothing once stopped, and stop waits for the run in progress', async () => {
    const work = gatedRun();
    work.close();
    const sut = new SerialRuns(work.run);
    void sut.request();
    let stopped = false;

    const stopping = sut.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    expect(sut.isStopped).toBe(true);
    work.state.release();
    await stopping;
    await sut.request();

    expect(work.state.runs).toBe(1);
  });

  it('runs at start and then on its interval until stopped', async () => {
    jest.useFakeTimers();
    try {
      const work = gatedRun();
      const sut = new SerialRuns(work.run);

      sut.start(1_000);
      await jest.advanceTimersByTimeAsync(2_500);
      await sut.stop();
      await jest.advanceTimersByTimeAsync(5_000);

      expect(work.state.runs).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
