// Preloaded (`node -r`) into the system under test by tools/bench/soak.ts: once a second it sends
// the process's memory and event-loop delay to the parent over the fork IPC channel. It measures
// the real entry point (dist/apps/autoglm/src/main.js) without changing it, and keeps the load
// generator's own memory out of the numbers.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/** One sample of the system under test, sent to the soak benchmark. */
export interface SoakProbeSample {
  type: 'soak-probe';
  rssBytes: number;
  heapUsedBytes: number;
  /** The V8 heap the process holds (used plus free space V8 keeps for new objects). */
  heapTotalBytes: number;
  externalBytes: number;
  /** Of externalBytes: ArrayBuffers and Buffers (sockets, gRPC messages). */
  arrayBuffersBytes: number;
  /** Event-loop delay over the last interval, in milliseconds. */
  lagP99Ms: number;
  lagMaxMs: number;
}

/** Asks the probe for a heap snapshot (V8 collects garbage first): soak.ts --heap-snapshot. */
export interface SoakHeapSnapshotRequest {
  type: 'soak-heap-snapshot';
  file: string;
}

export interface SoakHeapSnapshotDone {
  type: 'soak-heap-snapshot-done';
  file: string;
  /** Heap used right after the snapshot's full collection: what is really retained. */
  heapUsedAfterGcBytes: number;
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
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      lagP99Ms: delay.percentile(99) / 1e6,
      lagMaxMs: delay.max / 1e6,
    };
    delay.reset();
    if (process.connected) process.send?.(sample);
  }, INTERVAL_MS);
  timer.unref();
  process.on('message', (message: SoakHeapSnapshotRequest) => {
    if (message?.type !== 'soak-heap-snapshot') return;
    const file = writeHeapSnapshot(message.file);
    const done: SoakHeapSnapshotDone = { type: 'soak-heap-snapshot-done', file, heapUsedAfterGcBytes: process.memoryUsage().heapUsed };
    if (process.connected) process.send?.(done);
  });
  // The channel must not keep the system alive when it is asked to stop.
  process.channel?.unref();
}
