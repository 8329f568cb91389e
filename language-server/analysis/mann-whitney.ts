/**
 * Mann–Whitney U on bucketed data. Every value in one histogram bucket is a tie, so ranks are
 * midranks per bucket and the variance carries the tie correction; the p-values use the normal
 * approximation with a continuity correction, which is accurate at the sample sizes the deploy diff
 * tests (hundreds and up) and needs only one pass over the merged buckets.
 */
import { normalCdf, normalSf } from './distributions';

export interface MannWhitneyResult {
  /** Pairs (before, after) with after > before, plus half the tied pairs. */
  u: number;
  mean: number;
  variance: number;
  /** One-sided p for "after is stochastically larger" (slower). */
  pGreater: number;
  /** One-sided p for "after is stochastically smaller" (faster). */
  pLess: number;
}

interface UStatistic {
  u: number;
  mean: number;
  variance: number;
  n: number;
}

/** The U statistic of `after` against `before` with its null mean and tie-corrected variance. */
export function uStatistic(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): UStatistic {
  const indexes = new Set<number>([...before.keys(), ...after.keys()]);
  const sorted = [...indexes].sort((a, b) => a - b);
  let n1 = 0;
  let n2 = 0;
  for (const c of before.values()) n1 += c;
  for (const c of after.values()) n2 += c;
  let belowBefore = 0;
  let u = 0;
  let ties = 0;
  for (const i of sorted) {
    const b = before.get(i) ?? 0;
    const a = after.get(i) ?? 0;
    u += a * (belowBefore + 0.5 * b);
    const t = a + b;
    ties += t * t * t - t;
    belowBefore += b;
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = n > 1 ? ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))) : 0;
  return { u, mean, variance, n };
}

export function mannWhitney(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): MannWhitneyResult {
  const s = uStatistic(before, after);
  return { u: s.u, mean: s.mean, variance: s.variance, ...tails(s.u - s.mean, s.variance, 0.5) };
}

/**
 * Van Elteren's stratified Wilcoxon: per-stratum U statistics weighted by 1/(N_s + 1), so a shift
 * in how many calls each entry route sends cannot by itself look like a latency change. No
 * continuity correction: with unequal weights there is no single lattice step to correct for.
 */
export function mannWhitneyStratified(
  strata: ReadonlyArray<{ before: ReadonlyMap<number, number>; after: ReadonlyMap<number, number> }>,
): MannWhitneyResult {
  let u = 0;
  let mean = 0;
  let variance = 0;
  for (const s of strata) {
    const st = uStatistic(s.before, s.after);
    if (st.variance <= 0) continue;
    const w = 1 / (st.n + 1);
    u += w * st.u;
    mean += w * st.mean;
    variance += w * w * st.variance;
  }
  return { u, mean, variance, ...tails(u - mean, variance, 0) };
}

function tails(diff: number, variance: number, correction: number): { pGreater: number; pLess: number } {
  if (!(variance > 0)) return { pGreater: 1, pLess: 1 };
  const sd = Math.sqrt(variance);
  return {
    pGreater: Math.min(1, normalSf((diff - correction) / sd)),
    pLess: Math.min(1, normalCdf((diff + correction) / sd)),
  };
}
