/**
 * The per-function half of the deploy diff: descriptive numbers for both sides, then the latency
 * and error comparisons — plain, stratified by entry route when the traffic mix moved (the service's,
 * or only the mix of entry routes reaching this function, which the service-wide mix of many routes
 * can hide), and judged
 * against the service-wide shift when there is one. Each adjustment keeps the comparison it
 * replaced so the verdict can say "this moved, but the mix (or the whole service) explains it".
 */
import type { DiffSide } from '@protocol/model';
import { compareErrors, compareErrorsStratified, type ErrorComparison, type ErrorGate } from './error-test';
import { shiftBuckets, totalCount } from './histogram';
import { compareLatency, compareLatencyStratified, quantilesMs, type LatencyComparison, type LatencyGate, type Stratum } from './latency-test';
import { jeffreysInterval } from './proportions';
import { checkTrafficMix, type MixCheck } from './traffic-mix';

/** One side of one function (or of one entry route of it). */
export interface SideSample {
  /** Latency histogram in the layout of `histogram.ts` (µs). */
  histogram: ReadonlyMap<number, number>;
  /** Calls counted for the error rate (usually the histogram's total). */
  requests: number;
  errors: number;
}

export interface RouteStratum {
  route: string;
  before: SideSample;
  after: SideSample;
}

export interface FunctionDiffInput {
  /** The caller's function key; echoed in the result. */
  id: string;
  changedInDiff: boolean;
  before: SideSample;
  after: SideSample;
  /** Exception types and counts in the previous versions (all of them the caller looked back over). */
  errorTypesBefore?: Readonly<Record<string, number>>;
  errorTypesAfter?: Readonly<Record<string, number>>;
  /** The same function split by the entry route of its trace, for traffic-mix adjustment. */
  byRoute?: readonly RouteStratum[];
}

export interface FunctionTestOptions {
  minSamples: number;
  latencyGate: LatencyGate;
  errorGate: ErrorGate;
}

export interface FunctionTests {
  input: FunctionDiffInput;
  before: DiffSide;
  after: DiffSide;
  /** Unadjusted comparisons: what the raw numbers say. */
  rawLatency: LatencyComparison | null;
  rawErrors: ErrorComparison | null;
  /** Comparisons stratified by route when the mix moved (else the raw ones). */
  mixLatency: LatencyComparison | null;
  errors: ErrorComparison | null;
  /** The comparison the verdict uses: mix-adjusted and, with a service-wide shift, against it. */
  latency: LatencyComparison | null;
  stratified: boolean;
  shifted: boolean;
  /** The mix of entry routes reaching this function, when it has per-route data. */
  ownMix: MixCheck | null;
}

export function describeSide(s: SideSample, errorRateInterval = jeffreysInterval(s.errors, s.requests)): DiffSide {
  const q = quantilesMs(s.histogram);
  return {
    p50Ms: q.p50,
    p95Ms: q.p95,
    p99Ms: q.p99,
    requests: s.requests,
    errors: s.errors,
    errorRate: s.requests > 0 ? s.errors / s.requests : null,
    errorRateInterval,
  };
}

/** Stage one: everything that does not depend on the other functions. */
export function testFunction(f: FunctionDiffInput, mixChanged: boolean, o: FunctionTestOptions): FunctionTests {
  const latencyTested = Math.min(totalCount(f.before.histogram), totalCount(f.after.histogram)) >= o.minSamples;
  const errorsTested = Math.min(f.before.requests, f.after.requests) >= o.minSamples;
  const strata = usableStrata(f.byRoute);
  const ownMix = f.byRoute && f.byRoute.length >= 2 ? checkTrafficMix(f.byRoute.map((r) => ({ route: r.route, before: r.before.requests, after: r.after.requests }))) : null;
  const stratified = (mixChanged || ownMix?.changed === true) && strata.length >= 2;
  const rawLatency = latencyTested ? compareLatency(f.before.histogram, f.after.histogram, o.latencyGate) : null;
  const rawErrors = errorsTested ? compareErrors(f.before, f.after, o.errorGate) : null;
  const mixLatency = latencyTested && stratified ? compareLatencyStratified(toStrata(strata), o.latencyGate) : rawLatency;
  const errors = errorsTested && stratified ? compareErrorsStratified(strata, o.errorGate) : rawErrors;
  return {
    input: f,
    // The raw error comparison already holds the Jeffreys intervals; they cost a root-find each.
    before: rawErrors ? describeSide(f.before, rawErrors.rateBeforeInterval) : describeSide(f.before),
    after: rawErrors ? describeSide(f.after, rawErrors.rateAfterInterval) : describeSide(f.after),
    rawLatency,
    rawErrors,
    mixLatency,
    errors,
    latency: mixLatency,
    stratified,
    shifted: false,
    ownMix,
  };
}

/**
 * Stage two, only with a service-wide shift: scale the "after" side back by the control shift
 * (an index shift on log buckets) and test again, so a function counts as changed only when it
 * moved beyond what every untouched function did.
 */
export function testAgainstShift(t: FunctionTests, indexShift: number, o: FunctionTestOptions): FunctionTests {
  if (t.mixLatency === null || indexShift === 0) return t;
  const strata = usableStrata(t.input.byRoute);
  const latency = t.stratified
    ? compareLatencyStratified(
        toStrata(strata).map((s) => ({ before: s.before, after: shiftBuckets(s.after, indexShift) })),
        o.latencyGate,
      )
    : compareLatency(t.input.before.histogram, shiftBuckets(t.input.after.histogram, indexShift), o.latencyGate);
  return { ...t, latency, shifted: true };
}

function usableStrata(byRoute: readonly RouteStratum[] | undefined): RouteStratum[] {
  return (byRoute ?? []).filter((s) => totalCount(s.before.histogram) > 0 && totalCount(s.after.histogram) > 0);
}

function toStrata(strata: readonly RouteStratum[]): Stratum[] {
  return strata.map((s) => ({ before: s.before.histogram, after: s.after.histogram }));
}

export function newErrorTypes(f: FunctionDiffInput, minCount: number): Array<{ type: string; count: number }> {
  const before = f.errorTypesBefore ?? {};
  return Object.entries(f.errorTypesAfter ?? {})
    .filter(([type, count]) => count >= minCount && !((before[type] ?? 0) > 0))
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}
