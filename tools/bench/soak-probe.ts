// Preloaded (`node -r`) into the system under test by tools/bench/soak.ts: once a second it sends
// the process's memory and event-loop delay to the parent over the fork IPC channel. It measures
// the real entry point (dist/apps/autoglm/src/main.js) without changing it, and keeps the load
// generator's own memory out of the numbers.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One sample of the system under test, sent to the soak benchmark. */
export interface SoakProbeSample {
  type: 'soak-probe';
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  /** Event-loop delay over the last interval, in milliseconds. */
  lagP99Ms: number;
  lagMaxMs: number;
}

const INTERVAL_MS = 1_000;

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const sample: SoakProbeSample = {
      type: 'soak-probe',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external,
      lagP99Ms: delay.percentile(99) / 1e6,
      lagMaxMs: delay.max / 1e6,
    };
    delay.reset();
    if (process.connected) process.send?.(sample);
  }, INTERVAL_MS);
  timer.unref();
  // The channel must not keep the system alive when it is asked to stop.
  process.channel?.unref();
}
