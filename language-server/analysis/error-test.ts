/**
 * The error-rate test for one function across a deploy: one-sided Fisher exact when few errors are
 * expected (the normal approximation is poor there), the pooled two-proportion z-test otherwise,
 * and Jeffreys intervals for display. Stratified by entry route (Cochran–Mantel–Haenszel) when the
 * traffic mix moved.
 */
import { cmh, fisherOneSided, type OneSided } from './fisher';
import { jeffreysInterval, twoProportionZ, type Interval } from './proportions';
import type { Direction } from './latency-test';

export interface ErrorGate {
  /** Error-rate ratio after / before must reach this (or fall to its inverse). */
  minRatio: number;
  /** And the rate must move by at least this much in absolute terms (0.005 = 0.5 percentage points). */
  minDelta: number;
}

export const DEFAULT_ERROR_GATE: ErrorGate = { minRatio: 1.5, minDelta: 0.005 };

/** Below this many expected errors in either group, Fisher's exact test is used. */
export const MIN_EXPECTED_FOR_Z = 10;

export interface ErrorCounts {
  requests: number;
  errors: number;
}

export type ErrorTestName = 'fisher' | 'two-proportion-z' | 'cmh';

export interface ErrorComparison {
  rateBefore: number | null;
  rateAfter: number | null;
  rateBeforeInterval: Interval | null;
  rateAfterInterval: Interval | null;
  /** after / before; null when the before rate is zero (the ratio is unbounded). */
  ratio: number | null;
  /** after − before, as a fraction. */
  delta: number | null;
  test: ErrorTestName;
  pRegressed: number;
  pImproved: number;
  direction: Direction;
  p: number;
  gate: Direction | null;
}

export function compareErrors(before: ErrorCounts, after: ErrorCounts, gate: ErrorGate = DEFAULT_ERROR_GATE): ErrorComparison {
  checkCounts('before', before);
  checkCounts('after', after);
  const pooled = (before.errors + after.errors) / Math.max(1, before.requests + after.requests);
  const expected = Math.min(pooled * before.requests, pooled * after.requests);
  const useFisher = expected < MIN_EXPECTED_FOR_Z;
  const tails = useFisher
    ? fisherOneSided({ a: after.errors, b: after.requests - after.errors, c: before.errors, d: before.requests - before.errors })
    : twoProportionZ(after.errors, after.requests, before.errors, before.requests);
  return assemble(before, after, tails, useFisher ? 'fisher' : 'two-proportion-z', gate);
}

/** Per-route error counts, compared with CMH; the displayed rates stay the plain pooled ones. */
export function compareErrorsStratified(
  strata: ReadonlyArray<{ before: ErrorCounts; after: ErrorCounts }>,
  gate: ErrorGate = DEFAULT_ERROR_GATE,
): ErrorComparison {
  const sum = (pick: (s: { before: ErrorCounts; after: ErrorCounts }) => ErrorCounts): ErrorCounts => ({
    requests: strata.reduce((t, s) => t + pick(s).requests, 0),
    errors: strata.reduce((t, s) => t + pick(s).errors, 0),
  });
  for (const s of strata) {
    checkCounts('before', s.before);
    checkCounts('after', s.after);
  }
  const tables = strata.map((s) => ({
    a: s.after.errors,
    b: s.after.requests - s.after.errors,
    c: s.before.errors,
    d: s.before.requests - s.before.errors,
  }));
  return assemble(sum((s) => s.before), sum((s) => s.after), cmh(tables), 'cmh', gate);
}

export class ErrorCountsError extends RangeError {
  override name = 'ErrorCountsError';
}

function checkCounts(side: string, c: ErrorCounts): void {
  if (!(Number.isInteger(c.requests) && Number.isInteger(c.errors) && c.errors >= 0 && c.requests >= c.errors)) {
    throw new ErrorCountsError(
      `error counts ${side} the deploy must be integers with 0 ≤ errors ≤ requests (got ${c.errors} errors of ${c.requests} requests)`,
    );
  }
}

function assemble(before: ErrorCounts, after: ErrorCounts, tails: OneSided, test: ErrorTestName, gate: ErrorGate): ErrorComparison {
  const rateBefore = before.requests > 0 ? before.errors / before.requests : null;
  const rateAfter = after.requests > 0 ? after.errors / after.requests : null;
  const delta = rateBefore !== null && rateAfter !== null ? rateAfter - rateBefore : null;
  const ratio = rateBefore !== null && rateAfter !== null && rateBefore > 0 ? rateAfter / rateBefore : null;
  return {
    rateBefore,
    rateAfter,
    rateBeforeInterval: jeffreysInterval(before.errors, before.requests),
    rateAfterInterval: jeffreysInterval(after.errors, after.requests),
    ratio,
    delta,
    test,
    pRegressed: tails.pGreater,
    pImproved: tails.pLess,
    direction: tails.pGreater <= tails.pLess ? 'regressed' : 'improved',
    p: Math.min(1, 2 * Math.min(tails.pGreater, tails.pLess)),
    gate: errorGate(rateBefore, rateAfter, gate),
  };
}

function errorGate(before: number | null, after: number | null, gate: ErrorGate): Direction | null {
  if (before === null || after === null) return null;
  // A zero baseline makes the ratio unbounded, so only the absolute change can hold it back.
  const r = before > 0 ? after / before : after > 0 ? Infinity : 1;
  if (r >= gate.minRatio && after - before >= gate.minDelta) return 'regressed';
  if (r <= 1 / gate.minRatio && before - after >= gate.minDelta) return 'improved';
  return null;
}
