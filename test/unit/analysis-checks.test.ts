import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkpointAt, CheckpointConfigError, DEFAULT_CHECKPOINTS, DEFAULT_EARLY_LOOK } from '../../language-server/analysis/checkpoints';
import { normalCdf } from '../../language-server/analysis/distributions';
import {
  bucketValue,
  cumulative,
  cumulativeQuantileIndex,
  factorToIndexShift,
  quantile,
  quantileIndex,
  shiftBuckets,
  type Buckets,
} from '../../language-server/analysis/histogram';
import { detectServiceShift } from '../../language-server/analysis/service-shift';
import { checkTrafficMix } from '../../language-server/analysis/traffic-mix';

describe('traffic-mix check', () => {
  it('computes the textbook χ² for a 2×2 table', () => {
    // Expected counts 40/40 and 60/60: χ² = 2·10²/40 + 2·10²/60 = 8.333…, df 1, p = 2·(1 − Φ(√χ²)).
    const r = checkTrafficMix([
      { route: 'A', before: 50, after: 30 },
      { route: 'B', before: 50, after: 70 },
    ]);
    expect(r.p!).toBeCloseTo(2 * (1 - normalCdf(Math.sqrt(25 / 3))), 8);
    expect(r.distance).toBeCloseTo(0.2, 12);
    expect(r.changed).toBe(true);
  });

  it('pools routes too small to test and ignores significant but tiny moves', () => {
    const r = checkTrafficMix([
      { route: 'big', before: 500_000, after: 490_000 },
      { route: 'other', before: 500_000, after: 510_000 },
      { route: 'rare', before: 1, after: 0 },
    ]);
    expect(r.p!).toBeLessThan(1e-6);
    expect(r.distance).toBeLessThan(0.05);
    expect(r.changed).toBe(false);
    expect(r.routes.map((x) => x.route)).toEqual(['big', 'other', 'rare']);
  });

  it('refuses negative counts, naming the route', () => {
    expect(() => checkTrafficMix([{ route: 'GET /x', before: -1, after: 3 }])).toThrow(/GET \/x/);
  });
});

describe('checkpoints', () => {
  it('spends α in shares at fixed looks', () => {
    expect(checkpointAt(0, 0.05)).toEqual({ current: null, next: DEFAULT_CHECKPOINTS[0], alpha: 0, earlyAlpha: (0.05 * DEFAULT_EARLY_LOOK.alphaShare) / DEFAULT_EARLY_LOOK.looks });
    const at2h = checkpointAt(2 * 3_600_000, 0.05);
    expect(at2h.current!.label).toBe('1 h');
    expect(at2h.next!.label).toBe('6 h');
    expect(at2h.alpha).toBeCloseTo(0.01, 12);
    expect(checkpointAt(7 * 86_400_000, 0.05).next).toBeNull();
    expect(at2h.earlyAlpha).toBe(0);
    const total = DEFAULT_CHECKPOINTS.reduce((s, c) => s + c.alphaShare, DEFAULT_EARLY_LOOK.alphaShare);
    expect(total).toBeCloseTo(1, 12);
  });

  it('rejects checkpoints that overspend α or go back in time', () => {
    expect(() => checkpointAt(0, 0.05, [{ label: 'a', afterMs: 1, alphaShare: 0.8 }, { label: 'b', afterMs: 2, alphaShare: 0.4 }])).toThrow(CheckpointConfigError);
    expect(() => checkpointAt(0, 0.05, [{ label: 'a', afterMs: 5, alphaShare: 0.1 }, { label: 'b', afterMs: 2, alphaShare: 0.1 }])).toThrow(/increasing/);
    expect(() => checkpointAt(-1, 0.05)).toThrow(/non-negative/);
    // The early look's share counts towards the total.
    expect(() => checkpointAt(0, 0.05, [{ label: 'a', afterMs: 1, alphaShare: 0.95 }])).toThrow(/with the early look's\) sum to 1.05/);
  });
});

describe('service-wide shift', () => {
  it('needs enough controls moving together by a visible amount', () => {
    expect(detectServiceShift([0.3, 0.28, 0.31, 0.29]).detected).toBe(true);
    expect(detectServiceShift([0.3, 0.28]).detected).toBe(false);
    expect(detectServiceShift([0.3, -0.3, 0.29, -0.28, 0.01]).detected).toBe(false);
    expect(detectServiceShift([0.02, 0.03, 0.01, 0.02]).detected).toBe(false);
    expect(detectServiceShift([]).p50Ratio).toBeNull();
  });
});

describe('histogram additions', () => {
  const histogram = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 60 })
    .map((pairs) => {
      const h: Buckets = new Map();
      for (const [i, c] of pairs) h.set(i, (h.get(i) ?? 0) + c);
      return h;
    });

  it('cumulative reads give the same quantiles as the sorting reads', () => {
    fc.assert(
      fc.property(histogram, fc.double({ min: 0, max: 1, noNaN: true }), (h, q) => {
        const idx = cumulativeQuantileIndex(cumulative(h), q);
        expect(idx).toBe(quantileIndex(h, q));
        expect(bucketValue(idx!)).toBe(quantile(h, q));
      }),
    );
  });

  it('shifting by a factor scales every quantile by that factor, to within a bucket', () => {
    fc.assert(
      fc.property(histogram, fc.double({ min: 0.5, max: 3, noNaN: true }), (h, factor) => {
        const shifted = shiftBuckets(h, factorToIndexShift(factor));
        const r = quantile(shifted, 0.5)! / quantile(h, 0.5)!;
        expect(Math.abs(Math.log(r / factor))).toBeLessThanOrEqual(Math.log(2) / 64 + 1e-12);
      }),
    );
  });
});
