/** A histogram bucket: observations greater than the previous bucket's bound and at most `upperBound`. */
export interface HistogramBucket {
  upperBound: number;
  count: number;
}

/** A point-in-time copy of a Distribution; observations above the last bound count only in `count`. */
export interface DistributionSnapshot {
  count: number;
  sum: number;
  max: number;
  buckets: HistogramBucket[];
}

/** Bounds (ms) for queue wait and model time: sub-millisecond up to ten seconds. */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

/** Powers of two up to and including `max` (the batch-size histogram never overflows). */
export function batchSizeBuckets(max: number): number[] {
  const bounds: number[] = [];
  for (let b = 1; b < max; b *= 2) bounds.push(b);
  bounds.push(max);
  return bounds;
}

/** Counts observations into fixed buckets (non-cumulative) and keeps count, sum and max. */
export class Distribution {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  private max = 0;

  constructor(private readonly bounds: readonly number[]) {
    for (let i = 1; i < bounds.length; i++) {
      if (!((bounds[i] as number) > (bounds[i - 1] as number))) throw new RangeError('histogram bounds must increase');
    }
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
    // Few bounds: a linear scan beats a binary search here.
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }

  snapshot(): DistributionSnapshot {
    return {
      count: this.count,
      sum: this.sum,
      max: this.max,
      buckets: this.bounds.map((upperBound, i) => ({ upperBound, count: this.counts[i] as number })),
    };
  }
}
