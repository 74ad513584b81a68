import { adaptInterval, type CheckObservation } from './adaptive-interval';

const bounds = { minSeconds: 300, maxSeconds: 86_400 };

function observation(overrides: Partial<CheckObservation> = {}): CheckObservation {
  return { currentSeconds: 1200, configuredSeconds: 900, newItems: 0, publishGapSeconds: 0, ...overrides };
}

describe(adaptInterval.name, () => {
  it('polls a source that had new items more often (×0.75)', () => {
    expect(adaptInterval(observation({ newItems: 3 }), bounds)).toBe(900);
  });

  it('polls a source with nothing new less often (×1.5)', () => {
    expect(adaptInterval(observation({ newItems: 0 }), bounds)).toBe(1800);
  });

  it('converges to the bounds and stays there', () => {
    let busy = 900;
    let quiet = 900;
    for (let i = 0; i < 40; i++) {
      busy = adaptInterval(observation({ currentSeconds: busy, newItems: 1 }), bounds);
      quiet = adaptInterval(observation({ currentSeconds: quiet, newItems: 0 }), bounds);
    }
    expect(busy).toBe(300);
    expect(quiet).toBe(86_400);
  });

  it('does not speed up below half the observed publish gap', () => {
    // Publishes every 2 h: 1200 s is already faster than needed, so it stays.
    expect(adaptInterval(observation({ newItems: 2, publishGapSeconds: 7200 }), bounds)).toBe(1200);
    // Publishes every 30 min: ×0.75 gives 1800 s, still above half the gap (900 s).
    expect(adaptInterval(observation({ currentSeconds: 2400, newItems: 2, publishGapSeconds: 1800 }), bounds)).toBe(1800);
    // Publishes every 2 min: the ×0.75 step applies, bounded by the minimum.
    expect(adaptInterval(observation({ currentSeconds: 360, newItems: 5, publishGapSeconds: 120 }), bounds)).toBe(300);
  });

  it('ignores the publish gap when nothing was new', () => {
    expect(adaptInterval(observation({ newItems: 0, publishGapSeconds: 60 }), bounds)).toBe(1800);
  });

  it('respects an explicitly configured interval outside the bounds', () => {
    expect(adaptInterval(observation({ currentSeconds: 60, configuredSeconds: 60, newItems: 1 }), bounds)).toBe(60);
    expect(adaptInterval(observation({ currentSeconds: 60, configuredSeconds: 60, newItems: 0 }), bounds)).toBe(90);
    expect(adaptInterval(observation({ currentSeconds: 100_000, configuredSeconds: 100_000 }), bounds)).toBe(100_000);
  });

  it('rounds to whole seconds', () => {
    expect(adaptInterval(observation({ currentSeconds: 401, newItems: 1 }), bounds)).toBe(301);
    expect(adaptInterval(observation({ currentSeconds: 333 }), bounds)).toBe(500);
  });
});
