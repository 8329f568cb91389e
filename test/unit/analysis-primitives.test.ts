import { describe, expect, it } from 'vitest';
import { betaQuantile, chiSquareSf, normalCdf, normalQuantile } from '../../language-server/analysis/distributions';
import { cmh, fisherExact, fisherNormal, fisherOneSided } from '../../language-server/analysis/fisher';
import { bucketIndex, record, type Buckets } from '../../language-server/analysis/histogram';
import { mannWhitney, mannWhitneyStratified } from '../../language-server/analysis/mann-whitney';
import { benjaminiHochberg, weightedBenjaminiHochberg } from '../../language-server/analysis/multiple-testing';
import { jeffreysInterval, twoProportionZ } from '../../language-server/analysis/proportions';

function histogramOf(valuesMs: number[]): Buckets {
  const h: Buckets = new Map();
  for (const v of valuesMs) record(h, v * 1000);
  return h;
}

/** Midranks of the pooled sample, computed by sorting and averaging tie groups. */
function midranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

function* combinations(n: number, k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = start; i <= n - (k - acc.length); i++) yield* combinations(n, k, i + 1, [...acc, i]);
}

function binomialBig(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** P(X ≥ a) for the hypergeometric of a 2×2 table, exactly, with BigInt arithmetic. */
function hypergeometricUpper(a: number, b: number, c: number, d: number): number {
  const r1 = a + b;
  const c1 = a + c;
  const n = a + b + c + d;
  let num = 0n;
  for (let x = a; x <= Math.min(r1, c1); x++) num += binomialBig(c1, x) * binomialBig(n - c1, r1 - x);
  const den = binomialBig(n, r1);
  return Number((num * 10n ** 15n) / den) / 1e15;
}

describe('Mann–Whitney U on buckets', () => {
  // Values chosen so some share a bucket (ties) and most do not.
  const before = [12, 15, 15, 18, 22, 30, 31];
  const after = [19, 22, 25, 40, 41, 55];

  it('matches U counted pair by pair and the permutation variance of midranks', () => {
    const hb = histogramOf(before);
    const ha = histogramOf(after);
    const ib = before.map((v) => bucketIndex(v * 1000));
    const ia = after.map((v) => bucketIndex(v * 1000));
    let pairs = 0;
    for (const a of ia) for (const b of ib) pairs += a > b ? 1 : a === b ? 0.5 : 0;
    const result = mannWhitney(hb, ha);
    expect(result.u).toBeCloseTo(pairs, 12);

    const pooled = [...ib, ...ia];
    const ranks = midranks(pooled);
    const n = pooled.length;
    const mean = ranks.reduce((s, r) => s + r, 0) / n;
    const ss = ranks.reduce((s, r) => s + (r - mean) ** 2, 0);
    const permutationVariance = ((before.length * after.length) / (n * (n - 1))) * ss;
    expect(result.variance).toBeCloseTo(permutationVariance, 10);
  });

  it('gives p-values close to the exact permutation distribution', () => {
    const ib = before.map((v) => bucketIndex(v * 1000));
    const ia = after.map((v) => bucketIndex(v * 1000));
    const pooled = [...ib, ...ia];
    const ranks = midranks(pooled);
    const n2 = ia.length;
    const observed = ranks.slice(ib.length).reduce((s, r) => s + r, 0);
    let atLeast = 0;
    let total = 0;
    for (const subset of combinations(pooled.length, n2)) {
      const r = subset.reduce((s, i) => s + ranks[i]!, 0);
      if (r >= observed - 1e-9) atLeast++;
      total++;
    }
    const exact = atLeast / total;
    const result = mannWhitney(histogramOf(before), histogramOf(after));
    expect(exact).toBeLessThan(0.05);
    expect(Math.abs(result.pGreater - exact)).toBeLessThan(0.01);
    expect(result.pLess).toBeGreaterThan(0.95);
  });

  it('stratified (van Elteren) with one stratum has the same direction and no shift detected on equal samples', () => {
    const h = histogramOf(before);
    const s = mannWhitneyStratified([{ before: h, after: h }]);
    expect(s.u).toBeCloseTo(s.mean, 12);
    expect(s.pGreater).toBeCloseTo(0.5, 6);
  });
});

describe('Fisher exact', () => {
  it("gives 17/70 on Fisher's tea-tasting table", () => {
    const r = fisherExact({ a: 3, b: 1, c: 1, d: 3 });
    expect(r.pGreater).toBeCloseTo(17 / 70, 12);
    expect(r.pLess).toBeCloseTo(69 / 70, 12);
  });

  it.each([
    [5, 95, 1, 99],
    [0, 40, 6, 34],
    [12, 288, 3, 297],
    [30, 20, 10, 40],
  ])('matches the exact hypergeometric tail for %i/%i vs %i/%i', (a, b, c, d) => {
    const r = fisherExact({ a, b, c, d });
    expect(r.pGreater).toBeCloseTo(hypergeometricUpper(a, b, c, d), 10);
    // The lower tail is the upper tail of the table with the groups swapped.
    expect(r.pLess).toBeCloseTo(hypergeometricUpper(c, d, a, b), 10);
  });

  it('agrees with its normal approximation on large tables', () => {
    const t = { a: 260, b: 4740, c: 200, d: 4800 };
    const exact = fisherExact(t).pGreater;
    const approx = fisherNormal(t).pGreater;
    expect(exact).toBeGreaterThan(0.001);
    expect(exact).toBeLessThan(0.01);
    expect(Math.abs(Math.log(approx / exact))).toBeLessThan(0.15);
    expect(fisherOneSided(t, 10).pGreater).toBe(approx);
    expect(fisherOneSided(t).pGreater).toBe(exact);
  });

  it('keeps tiny tails precise instead of underflowing to nonsense', () => {
    const r = fisherExact({ a: 900, b: 100, c: 100, d: 900 });
    expect(r.pGreater).toBeGreaterThanOrEqual(0);
    expect(r.pGreater).toBeLessThan(1e-100);
    expect(r.pLess).toBe(1);
  });

  it('CMH on one stratum equals the normal approximation', () => {
    const t = { a: 40, b: 960, c: 20, d: 980 };
    expect(cmh([t]).pGreater).toBe(fisherNormal(t).pGreater);
  });
});

describe('proportions', () => {
  it('two-proportion z matches the textbook statistic', () => {
    // 60/1000 vs 40/1000: pooled 0.05, se = sqrt(.05·.95·.002), continuity ½(1/1000+1/1000).
    const z = (0.06 - 0.04 - 0.001) / Math.sqrt(0.05 * 0.95 * 0.002);
    expect(twoProportionZ(60, 1000, 40, 1000).pGreater).toBeCloseTo(1 - normalCdf(z), 10);
  });

  it('Jeffreys interval uses Beta(e+½, n−e+½) quantiles', () => {
    const i = jeffreysInterval(0, 100)!;
    expect(i.low).toBe(0);
    expect(i.high).toBeGreaterThan(0.01);
    expect(i.high).toBeLessThan(0.03);
    expect(jeffreysInterval(0, 0)).toBeNull();
  });
});

describe('distributions', () => {
  it('match closed forms', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 7);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 9); // df 2: exp(−x/2)
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 7);
    // Beta(½,½) is the arcsine law: quantile sin²(πp/2). Beta(1,b): 1 − (1−p)^(1/b).
    expect(betaQuantile(0.025, 0.5, 0.5)).toBeCloseTo(Math.sin((Math.PI * 0.025) / 2) ** 2, 10);
    expect(betaQuantile(0.9, 1, 7)).toBeCloseTo(1 - 0.1 ** (1 / 7), 10);
  });
});

describe('Benjamini–Hochberg', () => {
  // Benjamini & Hochberg (1995), §4: 15 p-values; at q = 0.05 the first four are rejected.
  const paper = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

  it('rejects exactly the four hypotheses of the 1995 worked example', () => {
    const q = benjaminiHochberg(paper);
    expect(q.filter((x) => x <= 0.05).length).toBe(4);
  });

  it('q-values equal min over larger ranks of m·p(k)/k, in input order', () => {
    const shuffled = [paper[7]!, paper[0]!, paper[12]!, paper[3]!, paper[1]!, paper[9]!, paper[2]!];
    const m = shuffled.length;
    const sorted = [...shuffled].sort((a, b) => a - b);
    const expected = shuffled.map((p) => {
      const rank = sorted.indexOf(p) + 1;
      let best = 1;
      for (let k = rank; k <= m; k++) best = Math.min(best, (m * sorted[k - 1]!) / k);
      return best;
    });
    const q = benjaminiHochberg(shuffled);
    q.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 12));
  });

  it('weighted BH divides by weights normalised to mean 1 (worked example)', () => {
    // w = [4,1,1,1] → [16/7, 4/7, 4/7, 4/7]; p/w = [.004375, .035, .0525, .07]; BH over m = 4.
    const q = weightedBenjaminiHochberg([0.01, 0.02, 0.03, 0.04], [4, 1, 1, 1]);
    expect(q[0]).toBeCloseTo(0.0175, 12);
    expect(q[1]).toBeCloseTo(0.07, 12);
    expect(q[2]).toBeCloseTo(0.07, 12);
    expect(q[3]).toBeCloseTo(0.07, 12);
    expect(weightedBenjaminiHochberg(paper, paper.map(() => 3))).toEqual(benjaminiHochberg(paper));
    expect(() => weightedBenjaminiHochberg([0.1], [0])).toThrow(/positive/);
  });
});
