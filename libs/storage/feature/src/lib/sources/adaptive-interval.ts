/** Factor applied to the interval after a check that found new items. */
export const SPEED_UP_FACTOR = 0.75;
/** Factor applied to the interval after a check that found nothing new (a 304 included). */
export const SLOW_DOWN_FACTOR = 1.5;

export interface IntervalBounds {
  minSeconds: number;
  maxSeconds: number;
}

export interface CheckObservation {
  /** The interval in force before this check. */
  currentSeconds: number;
  /** The interval the user (or config.yaml) chose: it widens the bounds so an explicit choice is respected. */
  configuredSeconds: number;
  /** Items of this check that were new articles. */
  newItems: number;
  /** Median gap between the publication times of the items seen; 0 when unknown. */
  publishGapSeconds: number;
}

/**
 * The next effective interval of a source after a successful check (adaptive refresh):
 * - new items: poll more often (×0.75), but not faster than half the observed publish gap
 *   unless the interval is already there — a source publishing hourly gains nothing from a
 *   5-minute poll just because one check happened to find an item;
 * - nothing new: poll less often (×1.5);
 * always within [min, max] (widened to include the configured interval), rounded to seconds.
 */
export function adaptInterval(observation: CheckObservation, bounds: IntervalBounds): number {
  const { currentSeconds, configuredSeconds, newItems, publishGapSeconds } = observation;
  let target: number;
  if (newItems > 0) {
    target = currentSeconds * SPEED_UP_FACTOR;
    if (publishGapSeconds > 0) target = Math.max(target, Math.min(currentSeconds, publishGapSeconds / 2));
  } else {
    target = currentSeconds * SLOW_DOWN_FACTOR;
  }
  const lower = Math.min(bounds.minSeconds, configuredSeconds);
  const upper = Math.max(bounds.maxSeconds, configuredSeconds);
  return Math.round(Math.min(Math.max(target, lower), upper));
}
