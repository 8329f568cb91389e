/**
 * One-sided tests on a 2×2 table: Fisher's exact test (hypergeometric tail summed term by term) and,
 * when the margins are large, its normal approximation; plus the Cochran–Mantel–Haenszel version
 * for several strata. Group 1 is "after" throughout the analysis.
 */
import { logChoose, normalCdf, normalSf } from './distributions';

/** a: group-1 events, b: group-1 non-events, c: group-2 events, d: group-2 non-events. */
export interface TwoByTwo {
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface OneSided {
  /** p for "group 1 has the larger event proportion". */
  pGreater: number;
  /** p for "group 1 has the smaller event proportion". */
  pLess: number;
}

/** Above this many terms in the hypergeometric support the normal approximation is used. */
export const FISHER_EXACT_LIMIT = 20_000;

export function fisherExact(t: TwoByTwo): OneSided {
  const r1 = t.a + t.b;
  const c1 = t.a + t.c;
  const n = r1 + t.c + t.d;
  const lo = Math.max(0, r1 + c1 - n);
  const hi = Math.min(r1, c1);
  const logDenominator = logChoose(n, r1);
  const pmfAt = Math.exp(logChoose(c1, t.a) + logChoose(n - c1, r1 - t.a) - logDenominator);
  // Sum only the tail that lies away from the mode, walking with the pmf ratio (a multiply and a
  // divide per term, stopping once terms no longer matter); the other tail is its complement. This
  // keeps the small tail precise even when the observed cell's own probability underflows.
  const mode = Math.floor(((r1 + 1) * (c1 + 1)) / (n + 2));
  if (t.a >= mode) {
    const upper = Math.min(1, walk(pmfAt, t.a, hi, (x) => ((c1 - x) * (r1 - x)) / ((x + 1) * (n - c1 - r1 + x + 1)), 1));
    return { pGreater: upper, pLess: clamp01(1 - upper + pmfAt) };
  }
  const lower = Math.min(1, walk(pmfAt, t.a, lo, (x) => (x * (n - c1 - r1 + x)) / ((c1 - x + 1) * (r1 - x + 1)), -1));
  return { pGreater: clamp01(1 - lower + pmfAt), pLess: lower };
}

function walk(start: number, from: number, to: number, ratio: (x: number) => number, step: 1 | -1): number {
  let sum = start;
  let p = start;
  for (let x = from; x !== to; x += step) {
    p *= ratio(x);
    sum += p;
    if (p < sum * 1e-17) break;
  }
  return sum;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Normal approximation to the hypergeometric with a continuity correction. */
export function fisherNormal(t: TwoByTwo): OneSided {
  return cmh([t]);
}

/** Fisher exact when the support is small enough to sum, otherwise its normal approximation. */
export function fisherOneSided(t: TwoByTwo, exactLimit = FISHER_EXACT_LIMIT): OneSided {
  const support = Math.min(t.a + t.b, t.a + t.c, t.c + t.d, t.b + t.d);
  return support <= exactLimit ? fisherExact(t) : fisherNormal(t);
}

/**
 * Cochran–Mantel–Haenszel one-sided test over strata: the sum over strata of (a − E[a]) against the
 * sum of hypergeometric variances, with a continuity correction of ½.
 */
export function cmh(tables: readonly TwoByTwo[]): OneSided {
  let diff = 0;
  let variance = 0;
  for (const t of tables) {
    const r1 = t.a + t.b;
    const r2 = t.c + t.d;
    const c1 = t.a + t.c;
    const c2 = t.b + t.d;
    const n = r1 + r2;
    if (n < 2) continue;
    diff += t.a - (r1 * c1) / n;
    variance += (r1 * r2 * c1 * c2) / (n * n * (n - 1));
  }
  if (!(variance > 0)) return { pGreater: 1, pLess: 1 };
  const sd = Math.sqrt(variance);
  return { pGreater: Math.min(1, normalSf((diff - 0.5) / sd)), pLess: Math.min(1, normalCdf((diff + 0.5) / sd)) };
}
