import { describe, expect, it } from 'vitest';
import { findOutliers, OTHER, type OutlierSpan } from '../../language-server/analysis/outliers';
import { seededRng, type Rng } from '../../language-server/analysis/random';

/** Calls whose latency does not depend on region or user, but does on the planted database. */
function spans(rng: Rng, n: number): OutlierSpan[] {
  const out: OutlierSpan[] = [];
  for (let i = 0; i < n; i++) {
    const mongo = rng.next() < 0.1;
    const durationMs = rng.lognormal(mongo ? 160 : 40, 0.4);
    out.push({
      durationMs,
      error: false,
      attributes: {
        'db.system': mongo ? 'mongodb' : 'postgresql',
        'cloud.region': ['eu-west-1', 'us-east-1', 'ap-south-1'][rng.int(3)]!,
        'enduser.id': `u${rng.int(100_000)}`,
        'http.route': '/orders/:id',
      },
    });
  }
  return out;
}

describe('outliers', () => {
  it('finds the planted attribute and nothing else', () => {
    const report = findOutliers(spans(seededRng(1), 5000));
    expect(report.selected).toBeGreaterThan(200);
    expect(report.keys.map((k) => k.key)).toEqual(['db.system']);
    const db = report.keys[0]!;
    expect(db.standout.value).toBe('mongodb');
    expect(db.standout.selectedShare).toBeGreaterThan(0.6);
    expect(db.standout.baselineShare).toBeLessThan(0.1);
    expect(db.standout.lift!).toBeGreaterThan(6);
    expect(db.q).toBeLessThan(1e-6);
    expect(db.summary).toMatch(/^\d+ % of slow calls have db.system=mongodb vs \d+ % of the rest$/);
  });

  it('pools high-cardinality values into (other) so unique ids never stand out', () => {
    const input = spans(seededRng(2), 3000);
    expect(findOutliers(input).keys.find((k) => k.key === 'enduser.id')).toBeUndefined();
    // Even with no significance filter and support of one call, the ids pool and barely differ.
    const loose = findOutliers(input, { alpha: 1, minSupport: 1 });
    const user = loose.keys.find((k) => k.key === 'enduser.id')!;
    expect(user.values.length).toBe(11);
    expect(user.values.at(-1)!.value).toBe(OTHER);
    expect(user.score).toBeLessThan(0.1);
    expect(loose.keys.find((k) => k.key === 'http.route')).toBeUndefined();
  });

  it('selects errors as well as slow calls', () => {
    const rng = seededRng(3);
    const input: OutlierSpan[] = Array.from({ length: 2000 }, () => {
      const canary = rng.next() < 0.2;
      return {
        durationMs: rng.lognormal(40, 0.3),
        error: canary && rng.next() < 0.3,
        attributes: { 'service.version': canary ? '1.5.0' : '1.4.2' },
      };
    });
    const report = findOutliers(input);
    expect(report.keys[0]!.key).toBe('service.version');
    expect(report.keys[0]!.standout.value).toBe('1.5.0');
    expect(report.keys[0]!.summary).toMatch(/slow or failed calls/);
  });

  it('returns nothing without a contrast', () => {
    expect(findOutliers([]).keys).toEqual([]);
    const same = Array.from({ length: 50 }, () => ({ durationMs: 10, error: false, attributes: { a: 'x' } }));
    expect(findOutliers(same).selected).toBe(0);
  });
});
