/**
 * Proportions: the pooled two-proportion z-test (one-sided both ways) and the Jeffreys interval,
 * the Beta(½, ½)-prior credible interval that stays sensible at zero events, which is the usual
 * case for a healthy function's error count.
 */
import { betaQuantile, normalCdf, normalSf, normalQuantile } from './distributions';
import type { Interval } from '@protocol/model';
import type { OneSided } from './fisher';

export type { Interval };

/** Group 1 (e1 of n1) against group 2 (e2 of n2), pooled variance, continuity-corrected. */
export function twoProportionZ(e1: number, n1: number, e2: number, n2: number): OneSided {
  if (n1 === 0 || n2 === 0) return { pGreater: 1, pLess: 1 };
  const pooled = (e1 + e2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { pGreater: 1, pLess: 1 };
  const diff = e1 / n1 - e2 / n2;
  const cc = 0.5 * (1 / n1 + 1 / n2);
  return { pGreater: Math.min(1, normalSf((diff - cc) / se)), pLess: Math.min(1, normalCdf((diff + cc) / se)) };
}

/** Jeffreys interval for e events in n trials; the ends are pinned at 0 and 1 as Brown, Cai and DasGupta recommend. */
export function jeffreysInterval(e: number, n: number, level = 0.95): Interval | null {
  if (n <= 0) return null;
  const tail = (1 - level) / 2;
  const low = e === 0 ? 0 : betaQuantile(tail, e + 0.5, n - e + 0.5);
  const high = e === n ? 1 : betaQuantile(1 - tail, e + 0.5, n - e + 0.5);
  return { low, high };
}

/** z for a two-sided interval at `level`. */
export function zFor(level: number): number {
  return normalQuantile(1 - (1 - level) / 2);
}
