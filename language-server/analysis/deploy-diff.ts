/**
 * "What changed since the deploy", per function, from rollup histograms and counts. The method is
 * reference/mapping-and-statistics.md §3.3 and §6: a combined latency test and an error test per
 * function, effect-size gates, minimum samples, weighted Benjamini–Hochberg across every test of the
 * deploy, fixed checkpoints with α spent across them, a traffic-mix check with route-stratified
 * tests, and a control against functions the diff did not touch.
 */
import type { DeployDiffReport, FunctionDiff, Verdict } from '@protocol/model';
import { checkpointAt, DEFAULT_CHECKPOINTS, DEFAULT_EARLY_LOOK, EARLY_LABEL, type Checkpoint, type CheckpointState, type EarlyLook } from './checkpoints';
import { earlyNote } from './early-look';
import { DEFAULT_ERROR_GATE, type ErrorGate } from './error-test';
import { factorToIndexShift } from './histogram';
import { DEFAULT_LATENCY_GATE, type LatencyGate } from './latency-test';
import { weightedBenjaminiHochberg } from './multiple-testing';
import { detectServiceShift, DEFAULT_SHIFT_OPTIONS, type ShiftCheck, type ShiftOptions } from './service-shift';
import { checkTrafficMix, DEFAULT_MIX_OPTIONS, type MixOptions, type RouteCount } from './traffic-mix';
import { testAgainstShift, testFunction, type FunctionDiffInput, type FunctionTestOptions, type FunctionTests } from './function-tests';
import { judge, type Calls } from './function-verdict';
import { shiftNote } from './diff-reasons';

export type { FunctionDiffInput, RouteStratum, SideSample } from './function-tests';
export type { RouteCount } from './traffic-mix';

export interface DeployDiffOptions {
  /** Overall false-discovery level, spent across the checkpoints. */
  alpha: number;
  checkpoints: readonly Checkpoint[];
  /** What the early look before the first checkpoint demands, and its share of α. */
  early: EarlyLook;
  /** Calls per side below which a metric is described but not tested. */
  minSamples: number;
  latencyGate: LatencyGate;
  errorGate: ErrorGate;
  mix: MixOptions;
  shift: ShiftOptions;
  /** BH weight of a function the diff touched, relative to 1 for the others (before normalising). */
  touchedWeight: number;
  /** A new error type needs at least this many occurrences to be reported. */
  newErrorTypeMinCount: number;
}

export const DEFAULT_DEPLOY_DIFF_OPTIONS: DeployDiffOptions = {
  alpha: 0.05,
  checkpoints: DEFAULT_CHECKPOINTS,
  early: DEFAULT_EARLY_LOOK,
  minSamples: 200,
  latencyGate: DEFAULT_LATENCY_GATE,
  errorGate: DEFAULT_ERROR_GATE,
  mix: DEFAULT_MIX_OPTIONS,
  shift: DEFAULT_SHIFT_OPTIONS,
  touchedWeight: 4,
  newErrorTypeMinCount: 3,
};

export interface DeployDiffInput {
  functions: readonly FunctionDiffInput[];
  /** Requests per entry route (root span route + method) before and after, for the mix check. */
  routes: readonly RouteCount[];
  /**
   * Time since the deploy. The windows should end at the checkpoint this reaches, so that the
   * same data is tested at each look rather than a little more every minute.
   */
  elapsedMs: number;
  options?: Partial<DeployDiffOptions>;
}

export function diffDeploy(input: DeployDiffInput): DeployDiffReport {
  const o: DeployDiffOptions = { ...DEFAULT_DEPLOY_DIFF_OPTIONS, ...input.options };
  const cp = checkpointAt(input.elapsedMs, o.alpha, o.checkpoints, o.early);
  const mix = checkTrafficMix(input.routes, o.mix);
  const testOptions: FunctionTestOptions = { minSamples: o.minSamples, latencyGate: o.latencyGate, errorGate: o.errorGate };

  let tests = input.functions.map((f) => testFunction(f, mix.changed, testOptions));
  const controls = tests
    .filter((t) => !t.input.changedInDiff && t.mixLatency?.p50Ratio != null)
    .map((t) => Math.log(t.mixLatency!.p50Ratio!));
  const shift = detectServiceShift(controls, o.shift);
  if (shift.detected && shift.p50Ratio !== null) {
    const indexShift = factorToIndexShift(1 / shift.p50Ratio);
    tests = tests.map((t) => testAgainstShift(t, indexShift, testOptions));
  }

  const q = qValues(tests, o.touchedWeight);
  const functions = tests.map((t, i) => judge(t, q[i]!, cp, { mixChanged: mix.changed, shift, alpha: o.alpha, newErrorTypeMinCount: o.newErrorTypeMinCount, early: o.early }));
  return {
    elapsedMs: input.elapsedMs,
    alpha: o.alpha,
    checkpoint: cp.current ? describeCheckpoint(cp.current, o.alpha) : { label: EARLY_LABEL, afterMs: 0, alpha: cp.earlyAlpha },
    nextCheckpoint: describeCheckpoint(cp.next, o.alpha),
    trafficMix: mix,
    serviceShift: shift,
    functions,
    summary: summarise(functions),
    notes: notes(cp, functions, o.early, mix.changed, mix.distance, shift),
  };
}

/** q-values for every test of the deploy: latency and errors per tested function, one BH family. */
function qValues(tests: readonly FunctionTests[], touchedWeight: number): Calls[] {
  const p: number[] = [];
  const w: number[] = [];
  const slots: Array<{ latency: number | null; errors: number | null }> = tests.map((t) => {
    const weight = t.input.changedInDiff ? touchedWeight : 1;
    const slot = { latency: null as number | null, errors: null as number | null };
    if (t.latency) {
      slot.latency = p.length;
      p.push(t.latency.p);
      w.push(weight);
    }
    if (t.errors) {
      slot.errors = p.length;
      p.push(t.errors.p);
      w.push(weight);
    }
    return slot;
  });
  const q = p.length > 0 ? weightedBenjaminiHochberg(p, w) : [];
  return slots.map((s) => ({
    latencyQ: s.latency === null ? null : q[s.latency]!,
    errorsQ: s.errors === null ? null : q[s.errors]!,
  }));
}

function describeCheckpoint(c: Checkpoint | null, alpha: number): DeployDiffReport['checkpoint'] {
  return c ? { label: c.label, afterMs: c.afterMs, alpha: alpha * c.alphaShare } : null;
}

function summarise(functions: readonly FunctionDiff[]): Record<Verdict, number> {
  const s: Record<Verdict, number> = { regressed: 0, improved: 0, unchanged: 0, insufficient: 0 };
  for (const f of functions) s[f.verdict]++;
  return s;
}

function notes(cp: CheckpointState, functions: readonly FunctionDiff[], early: EarlyLook, mixChanged: boolean, distance: number, shift: ShiftCheck): string[] {
  const out: string[] = [];
  if (!cp.current && cp.next) out.push(earlyNote(functions.filter((f) => f.early === true).length, cp.next.label, cp.earlyAlpha, early));
  if (mixChanged) out.push(`traffic mix changed: ${Math.round(distance * 100)} % of requests moved between entry routes`);
  if (shift.detected && shift.p50Ratio !== null) out.push(shiftNote(shift.p50Ratio, shift.controls));
  return out;
}
