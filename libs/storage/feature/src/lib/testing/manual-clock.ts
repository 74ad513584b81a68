import type { Clock } from '../shared/clock';

/** A clock a spec moves by hand (storage reads it for schedules and for when things happened). */
export class ManualClock implements Clock {
  private at = Date.parse('2026-11-25T12:00:00.000Z');

  now(): Date {
    return new Date(this.at);
  }

  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}
