import { describe, expect, it } from 'vitest';
import { diffDeploy, type FunctionDiffInput } from '../../language-server/analysis/deploy-diff';
import { compareErrors } from '../../language-server/analysis/error-test';
import { compareLatency } from '../../language-server/analysis/latency-test';
import { seededRng } from '../../language-server/analysis/random';
import { DAY, fn, HOUR, routedFn, side } from './analysis-diff-helpers';

const ALPHA = 0.05;
const routes = [{ route: 'GET /orders', before: 5000, after: 5000 }];

function nulls(seed: number, count: number, n: number): FunctionDiffInput[] {
  const rng = seededRng(seed);
  return Array.from({ length: count }, (_, i) => fn(rng, `null${i}`, { n }, { n }));
}

describe('false positives with no change', () => {
  it('the combined latency test rejects at most α of null functions, each direction', () => {
    const rng = seededRng(11);
    let up = 0;
    let down = 0;
    const m = 600;
    for (let i = 0; i < m; i++) {
      const r = compareLatency(side(rng, { n: 1000 }).histogram, side(rng, { n: 1000 }).histogram);
      if (r.pRegressed <= ALPHA) up++;
      if (r.pImproved <= ALPHA) down++;
    }
    expect(up / m).toBeLessThanOrEqual(ALPHA);
    expect(down / m).toBeLessThanOrEqual(ALPHA);
  });

  it('the error test rejects at most α of null functions', () => {
    const rng = seededRng(12);
    let up = 0;
    const m = 600;
    for (let i = 0; i < m; i++) {
      const b = side(rng, { n: 2000, errorRate: 0.01 });
      const a = side(rng, { n: 2000, errorRate: 0.01 });
      if (compareErrors(b, a).pRegressed <= ALPHA) up++;
    }
    expect(up / m).toBeLessThanOrEqual(ALPHA);
  });

  it('a deploy of 300 unchanged functions reports (almost) nothing at any checkpoint', () => {
    const functions = nulls(13, 300, 1000);
    for (const elapsedMs of [HOUR / 4, HOUR, 6 * HOUR, DAY]) {
      const r = diffDeploy({ functions, routes, elapsedMs });
      const flagged = r.summary.regressed + r.summary.improved;
      expect(flagged).toBeLessThanOrEqual(ALPHA * functions.length);
      expect(r.summary.unchanged + r.summary.insufficient).toBe(300 - flagged);
    }
  });
});

describe('finding real changes', () => {
  it('finds a 30 % regression of p95 with 2,000 samples per side, and only it', () => {
    const rng = seededRng(21);
    const functions = [...nulls(22, 30, 2000), fn(rng, 'slow', { n: 2000 }, { n: 2000, shape: { scale: 1.3 } }, true)];
    const r = diffDeploy({ functions, routes, elapsedMs: HOUR });
    const slow = r.functions.find((f) => f.id === 'slow')!;
    expect(slow.verdict).toBe('regressed');
    expect(slow.changedInDiff).toBe(true);
    // The observed p95 ratio is noisy at n = 2,000; its interval must hold the true 1.3 and exclude 1.
    expect(slow.latency.p95RatioInterval!.low).toBeGreaterThan(1);
    expect(slow.latency.p95RatioInterval!.low).toBeLessThan(1.3);
    expect(slow.latency.p95RatioInterval!.high).toBeGreaterThan(1.3);
    expect(slow.latency.p50Ratio!).toBeGreaterThan(1.2);
    expect(slow.latency.q!).toBeLessThan(0.001);
    expect(slow.reasons[0]).toMatch(/^p95 \+\d+ %/);
    expect(r.summary.regressed).toBe(1);
  });

  it('finds a tail-only regression (slow share 2 % → 4 %, body unchanged)', () => {
    const rng = seededRng(31);
    const functions = [...nulls(32, 20, 5000), fn(rng, 'tail', { n: 5000 }, { n: 5000, shape: { tailShare: 0.04 } })];
    const r = diffDeploy({ functions, routes, elapsedMs: 6 * HOUR });
    const tail = r.functions.find((f) => f.id === 'tail')!;
    expect(tail.verdict).toBe('regressed');
    // The body did not move, so the evidence must come from the exceedance test, not Mann–Whitney.
    expect(tail.latency.pExceedance!).toBeLessThan(tail.latency.pMannWhitney!);
    expect(tail.latency.p50Ratio!).toBeLessThan(1.05);
  });

  it('reports an improvement as improved', () => {
    const rng = seededRng(41);
    const functions = [...nulls(42, 10, 2000), fn(rng, 'fast', { n: 2000 }, { n: 2000, shape: { scale: 0.7 } }, true)];
    const fast = diffDeploy({ functions, routes, elapsedMs: HOUR }).functions.find((f) => f.id === 'fast')!;
    expect(fast.verdict).toBe('improved');
    expect(fast.latency.direction).toBe('improved');
    expect(fast.latency.p95Ratio!).toBeLessThan(0.8);
  });

  it('finds an error spike and ignores small noise in the error rate', () => {
    const rng = seededRng(51);
    const functions = [
      ...nulls(52, 10, 5000),
      fn(rng, 'spike', { n: 5000, errorRate: 0.01 }, { n: 5000, errorRate: 0.03 }),
      fn(rng, 'noise', { n: 5000, errorRate: 0.01 }, { n: 5000, errorRate: 0.011 }),
    ];
    const r = diffDeploy({ functions, routes, elapsedMs: HOUR });
    const spike = r.functions.find((f) => f.id === 'spike')!;
    const noise = r.functions.find((f) => f.id === 'noise')!;
    expect(spike.verdict).toBe('regressed');
    expect(spike.errors.test).toBe('two-proportion-z');
    expect(spike.errors.rateAfterInterval!.low).toBeGreaterThan(spike.errors.rateBeforeInterval!.high);
    expect(spike.reasons.some((s) => s.startsWith('errors 1.'))).toBe(true);
    expect(noise.verdict).toBe('unchanged');
  });

  it('uses Fisher for a spike from a zero baseline and reports new error types on their own', () => {
    const rng = seededRng(61);
    const f = fn(rng, 'boom', { n: 400, errorRate: 0 }, { n: 400, errorRate: 0 });
    const input: FunctionDiffInput = {
      ...f,
      after: { ...f.after, errors: 12 },
      errorTypesBefore: { ValidationError: 3 },
      errorTypesAfter: { ValidationError: 2, TypeError: 10, RangeError: 2 },
    };
    const boom = diffDeploy({ functions: [input], routes, elapsedMs: HOUR }).functions[0]!;
    expect(boom.errors.test).toBe('fisher');
    expect(boom.errors.ratio).toBeNull();
    expect(boom.verdict).toBe('regressed');
    expect(boom.newErrorTypes).toEqual([{ type: 'TypeError', count: 10 }]);
    expect(boom.reasons).toContain('new error type TypeError ×10');
  });
});

describe('traffic mix', () => {
  // One function serves a fast route and a slow one; the deploy moves traffic toward the slow route.
  const mixed = (seed: number, afterSlowShare: number, slowScaleAfter = 1): FunctionDiffInput =>
    routedFn(seededRng(seed), 'search', [
      { route: 'GET /search', before: { n: 3600, shape: { medianMs: 20 } }, after: { n: Math.round(4000 * (1 - afterSlowShare)), shape: { medianMs: 20 } } },
      {
        route: 'GET /report',
        before: { n: 400, shape: { medianMs: 200 } },
        after: { n: Math.round(4000 * afterSlowShare), shape: { medianMs: 200, scale: slowScaleAfter } },
      },
    ]);
  const mixRoutes = (afterSlowShare: number) => [
    { route: 'GET /search', before: 3600, after: Math.round(4000 * (1 - afterSlowShare)) },
    { route: 'GET /report', before: 400, after: Math.round(4000 * afterSlowShare) },
  ];

  it('flags a mix change instead of calling the function regressed', () => {
    const f = mixed(71, 0.4);
    const raw = compareLatency(f.before.histogram, f.after.histogram);
    expect(raw.pRegressed).toBeLessThan(1e-6);
    expect(raw.gate).toBe('regressed');
    const r = diffDeploy({ functions: [f], routes: mixRoutes(0.4), elapsedMs: HOUR });
    expect(r.trafficMix.changed).toBe(true);
    const search = r.functions[0]!;
    expect(search.verdict).toBe('unchanged');
    expect(search.explainedByMix).toBe(true);
    expect(search.latency.adjustedFor).toContain('traffic-mix');
    expect(search.reasons.join(' ')).toMatch(/traffic between entry routes/);
  });

  it('still finds a real regression inside a route while the mix moves', () => {
    const r = diffDeploy({ functions: [mixed(72, 0.4, 1.6)], routes: mixRoutes(0.4), elapsedMs: HOUR });
    expect(r.functions[0]!.verdict).toBe('regressed');
    expect(r.functions[0]!.explainedByMix).toBe(false);
  });

  it('does not call small share wobbles a mix change', () => {
    const r = diffDeploy({ functions: [mixed(73, 0.11)], routes: mixRoutes(0.11), elapsedMs: HOUR });
    expect(r.trafficMix.changed).toBe(false);
  });
});

describe('service-wide shift', () => {
  it('reports an infrastructure-wide slowdown as such instead of blaming single functions', () => {
    const rng = seededRng(81);
    const functions = [
      ...Array.from({ length: 20 }, (_, i) => fn(rng, `same${i}`, { n: 2000 }, { n: 2000, shape: { scale: 1.35 } })),
      fn(rng, 'touched', { n: 2000 }, { n: 2000, shape: { scale: 1.35 } }, true),
      fn(rng, 'worse', { n: 2000 }, { n: 2000, shape: { scale: 1.35 * 1.5 } }, true),
    ];
    const r = diffDeploy({ functions, routes, elapsedMs: HOUR });
    expect(r.serviceShift.detected).toBe(true);
    expect(r.serviceShift.p50Ratio!).toBeGreaterThan(1.25);
    expect(r.serviceShift.p50Ratio!).toBeLessThan(1.45);
    expect(r.notes.join(' ')).toMatch(/service-wide shift/);
    const touched = r.functions.find((f) => f.id === 'touched')!;
    expect(touched.verdict).toBe('unchanged');
    expect(touched.movedWithService).toBe(true);
    expect(r.functions.find((f) => f.id === 'worse')!.verdict).toBe('regressed');
    expect(r.summary.regressed).toBe(1);
  });

  it('does not see a service-wide shift when only touched functions moved', () => {
    const rng = seededRng(82);
    const functions = [
      ...Array.from({ length: 10 }, (_, i) => fn(rng, `same${i}`, { n: 2000 }, { n: 2000 })),
      ...Array.from({ length: 10 }, (_, i) => fn(rng, `moved${i}`, { n: 2000 }, { n: 2000, shape: { scale: 1.4 } }, true)),
    ];
    const r = diffDeploy({ functions, routes, elapsedMs: HOUR });
    expect(r.serviceShift.detected).toBe(false);
    expect(r.summary.regressed).toBe(10);
  });
});

describe('checkpoints and minimum samples', () => {
  it('before the first checkpoint, makes a clear but not overwhelming change wait for it', () => {
    const rng = seededRng(91);
    const r = diffDeploy({ functions: [fn(rng, 'slow', { n: 2000 }, { n: 2000, shape: { scale: 1.3 } })], routes, elapsedMs: 5 * 60_000 });
    // Precondition: at 15 min this would be reported; the early look needs p95 ×1.5.
    expect(r.functions[0]!.latency.q!).toBeLessThan(1e-6);
    expect(r.checkpoint!.label).toBe('early');
    expect(r.notes[0]).toMatch(/^no verdicts yet: waiting for the 15 min checkpoint \(the early look reports only overwhelming evidence/);
    expect(r.nextCheckpoint!.label).toBe('15 min');
    expect(r.functions[0]!.verdict).toBe('insufficient');
    expect(r.functions[0]!.waitingFor).toBe('15 min');
  });

  it('reports strong evidence at 15 min and makes weak evidence wait for the next checkpoint', () => {
    const rng = seededRng(92);
    const strong = fn(rng, 'strong', { n: 2000 }, { n: 2000, shape: { scale: 1.6 } });
    const weak = fn(rng, 'weak', { n: 300 }, { n: 300, shape: { scale: 1.2 } });
    const early = diffDeploy({ functions: [strong, weak], routes, elapsedMs: 20 * 60_000 });
    expect(early.checkpoint!.label).toBe('15 min');
    expect(early.checkpoint!.alpha).toBeCloseTo(0.005, 12);
    const w = early.functions.find((f) => f.id === 'weak')!;
    // Precondition: evidence between the 15-min share of α and the overall α, with the effect gate passed.
    expect(w.latency.q!).toBeGreaterThan(0.005);
    expect(w.latency.q!).toBeLessThanOrEqual(ALPHA);
    expect(w.latency.gatePassed).toBe(true);
    expect(early.functions.find((f) => f.id === 'strong')!.verdict).toBe('regressed');
    expect(w.verdict).toBe('insufficient');
    expect(w.waitingFor).toBe('1 h');
    expect(w.reasons[0]).toMatch(/waiting for the 1 h checkpoint/);
  });

  it('marks functions below the minimum sample size insufficient and leaves them out of BH', () => {
    const rng = seededRng(93);
    const r = diffDeploy({ functions: [fn(rng, 'rare', { n: 50 }, { n: 80, shape: { scale: 3 } })], routes, elapsedMs: DAY });
    const rare = r.functions[0]!;
    expect(rare.verdict).toBe('insufficient');
    expect(rare.latency.tested).toBe(false);
    expect(rare.latency.q).toBeNull();
    expect(rare.after.p95Ms).not.toBeNull();
    expect(rare.reasons).toContain('not enough calls to compare (50 before the deploy)');
  });

  it('gives touched functions more power through the BH weights', () => {
    const rng = seededRng(94);
    const base = nulls(95, 20, 1000);
    const candidate = fn(rng, 'x', { n: 1000 }, { n: 1000, shape: { scale: 1.3 } });
    const q = (touched: boolean): number =>
      diffDeploy({ functions: [...base, { ...candidate, changedInDiff: touched }], routes, elapsedMs: DAY }).functions.at(-1)!.latency.q!;
    expect(q(true)).toBeLessThan(q(false));
  });
});
