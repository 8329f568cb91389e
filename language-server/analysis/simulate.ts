/**
 * Synthetic latency populations for the statistical tests and the diff benchmark, shared so both
 * exercise the method on the same shape: the reference simulation's lognormal body (median 40 ms,
 * σ 0.6) plus a slow tail (2 % of calls 20× slower), in microseconds.
 */
import { record, type Buckets } from './histogram';
import type { Rng } from './random';

export interface LatencyShape {
  medianMs: number;
  sigma: number;
  /** Share of calls in the slow tail. */
  tailShare: number;
  /** How much slower tail calls are than the body. */
  tailFactor: number;
  /** Multiplies every value: 1.3 is a 30 % regression of the whole distribution. */
  scale: number;
}

export const REFERENCE_SHAPE: LatencyShape = { medianMs: 40, sigma: 0.6, tailShare: 0.02, tailFactor: 20, scale: 1 };

export function drawMicros(rng: Rng, shape: LatencyShape): number {
  const body = rng.lognormal(shape.medianMs * 1000, shape.sigma);
  const tail = rng.next() < shape.tailShare ? shape.tailFactor : 1;
  return body * tail * shape.scale;
}

export function simulateHistogram(rng: Rng, n: number, shape: LatencyShape = REFERENCE_SHAPE): Buckets {
  const h: Buckets = new Map();
  for (let i = 0; i < n; i++) record(h, drawMicros(rng, shape));
  return h;
}

/** Binomial draw by summing Bernoulli trials (n is at most tens of thousands here). */
export function simulateErrors(rng: Rng, n: number, rate: number): number {
  let e = 0;
  for (let i = 0; i < n; i++) if (rng.next() < rate) e++;
  return e;
}
