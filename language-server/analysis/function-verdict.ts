/**
 * Turning one function's tests and q-values into a verdict at the current checkpoint. A metric is
 * reported when its q-value clears the checkpoint's share of α and its effect passes the gate; if it
 * passes the gate with q under the overall α but not yet the checkpoint's share, it waits for the
 * next checkpoint and says so. Before the first checkpoint only the early look can report, and only
 * overwhelming evidence (early-look.ts); everything else waits. Any reported regression makes the
 * function regressed.
 */
import type { ErrorDiff, FunctionDiff, LatencyDiff, Verdict } from '@protocol/model';
import type { CheckpointState, EarlyLook } from './checkpoints';
import { overwhelmingErrors, overwhelmingLatency } from './early-look';
import { errorReason, latencyReason, mixReason, movedWithServiceReason } from './diff-reasons';
import type { ErrorComparison } from './error-test';
import { newErrorTypes, type FunctionTests } from './function-tests';
import type { Direction, LatencyComparison } from './latency-test';
import type { ShiftCheck } from './service-shift';

export interface Calls {
  latencyQ: number | null;
  errorsQ: number | null;
}

export interface JudgeContext {
  mixChanged: boolean;
  shift: ShiftCheck;
  alpha: number;
  newErrorTypeMinCount: number;
  early: EarlyLook;
}

type Call = { state: 'reported' | 'pending' | 'none' | 'untested'; direction: Direction | null };

interface Comparison {
  p: number;
  direction: Direction;
  gate: Direction | null;
}

/** `overwhelming`: the early look's gates pass (only consulted before the first checkpoint). */
function call(c: Comparison | null, q: number | null, cp: CheckpointState, alpha: number, overwhelming: boolean): Call {
  if (c === null || q === null) return { state: 'untested', direction: null };
  const passes = c.gate === c.direction;
  if (passes && cp.current && q <= cp.alpha) return { state: 'reported', direction: c.direction };
  if (passes && !cp.current && overwhelming && q <= cp.earlyAlpha) return { state: 'reported', direction: c.direction };
  if (passes && cp.next && q <= alpha) return { state: 'pending', direction: c.direction };
  return { state: 'none', direction: c.direction };
}

/** Would the unadjusted comparison, at the overall α on its raw p, have called a change? */
function rawWouldFlag(c: Comparison | null, alpha: number): Direction | null {
  return c && c.gate === c.direction && c.p <= alpha ? c.direction : null;
}

export function judge(t: FunctionTests, calls: Calls, cp: CheckpointState, ctx: JudgeContext): FunctionDiff {
  const lat = call(t.latency, calls.latencyQ, cp, ctx.alpha, overwhelmingLatency(t.latency, ctx.early));
  const err = call(t.errors, calls.errorsQ, cp, ctx.alpha, overwhelmingErrors(t.errors, { before: t.before.requests, after: t.after.requests }, ctx.early));
  const reported = (d: Direction): boolean => (lat.state === 'reported' && lat.direction === d) || (err.state === 'reported' && err.direction === d);

  const rawLat = rawWouldFlag(t.rawLatency, ctx.alpha);
  const rawErr = rawWouldFlag(t.rawErrors, ctx.alpha);
  const explainedByMix =
    t.stratified && ((rawLat !== null && !reported(rawLat)) || (rawErr !== null && !reported(rawErr)));
  const preShift = rawWouldFlag(t.mixLatency, ctx.alpha);
  const movedWithService = t.shifted && preShift !== null && !(lat.state === 'reported' && lat.direction === preShift);

  let verdict: Verdict;
  let waitingFor: string | null = null;
  if (reported('regressed')) verdict = 'regressed';
  else if (reported('improved')) verdict = 'improved';
  else if (!cp.current || lat.state === 'pending' || err.state === 'pending') {
    verdict = 'insufficient';
    waitingFor = cp.next?.label ?? null;
  } else if (lat.state === 'untested' && err.state === 'untested') verdict = 'insufficient';
  else verdict = 'unchanged';
  if (verdict === 'regressed' || verdict === 'improved') {
    if (lat.state === 'pending' || err.state === 'pending') waitingFor = cp.next?.label ?? null;
  }

  const fresh = newErrorTypes(t.input, ctx.newErrorTypeMinCount);
  return {
    id: t.input.id,
    verdict,
    changedInDiff: t.input.changedInDiff,
    before: t.before,
    after: t.after,
    latency: latencyDiff(t, calls.latencyQ),
    errors: errorDiff(t.errors, calls.errorsQ),
    newErrorTypes: fresh,
    ...(cp.current === null && (verdict === 'regressed' || verdict === 'improved') ? { early: true } : {}),
    explainedByMix,
    movedWithService,
    waitingFor,
    reasons: reasons(t, calls, lat, err, { explainedByMix, movedWithService, waitingFor, fresh, cp, ctx }),
  };
}

function latencyDiff(t: FunctionTests, q: number | null): LatencyDiff {
  const raw = t.rawLatency;
  const l = t.latency;
  const adjustedFor: LatencyDiff['adjustedFor'] = [];
  if (t.stratified) adjustedFor.push('traffic-mix');
  if (t.shifted) adjustedFor.push('service-shift');
  return {
    tested: l !== null,
    p95Ratio: raw?.p95Ratio ?? null,
    p95RatioInterval: raw?.p95RatioInterval ?? null,
    p50Ratio: raw?.p50Ratio ?? null,
    p99Ratio: raw?.p99Ratio ?? null,
    p95DeltaMs: raw?.p95DeltaMs ?? null,
    adjustedP95Ratio: l?.p95Ratio ?? null,
    direction: l?.direction ?? null,
    p: l?.p ?? null,
    pMannWhitney: l ? (l.direction === 'regressed' ? l.mannWhitney.pGreater : l.mannWhitney.pLess) : null,
    pExceedance: l ? (l.direction === 'regressed' ? l.exceedance.pGreater : l.exceedance.pLess) : null,
    q,
    gatePassed: l !== null && l.gate === l.direction,
    adjustedFor,
  };
}

function errorDiff(e: ErrorComparison | null, q: number | null): ErrorDiff {
  return {
    tested: e !== null,
    rateBefore: e?.rateBefore ?? null,
    rateAfter: e?.rateAfter ?? null,
    rateBeforeInterval: e?.rateBeforeInterval ?? null,
    rateAfterInterval: e?.rateAfterInterval ?? null,
    ratio: e?.ratio ?? null,
    delta: e?.delta ?? null,
    test: e?.test ?? null,
    direction: e?.direction ?? null,
    p: e?.p ?? null,
    q,
    gatePassed: e !== null && e.gate === e.direction,
  };
}

interface ReasonContext {
  explainedByMix: boolean;
  movedWithService: boolean;
  waitingFor: string | null;
  fresh: Array<{ type: string; count: number }>;
  cp: CheckpointState;
  ctx: JudgeContext;
}

function reasons(t: FunctionTests, calls: Calls, lat: Call, err: Call, r: ReasonContext): string[] {
  const out: string[] = [];
  const waiting = r.waitingFor ? `, waiting for the ${r.waitingFor} checkpoint` : '';
  const early = r.cp.current === null ? ', early look' : '';
  if (t.latency && calls.latencyQ !== null && (lat.state === 'reported' || lat.state === 'pending')) {
    out.push(latencyReason(t.rawLatency ?? (t.latency as LatencyComparison), calls.latencyQ, lat.state === 'pending' ? waiting : early));
  }
  if (t.errors && calls.errorsQ !== null && (err.state === 'reported' || err.state === 'pending')) {
    out.push(errorReason(t.errors, calls.errorsQ, err.state === 'pending' ? waiting : early));
  }
  for (const f of r.fresh) out.push(`new error type ${f.type} ×${f.count}`);
  const mix = t.ownMix?.changed ? mixReason(t.ownMix.routes) : null;
  if (mix) out.push(mix);
  if (r.explainedByMix) out.push('the change is explained by the shift in traffic between entry routes');
  if (r.movedWithService && r.ctx.shift.p50Ratio !== null) out.push(movedWithServiceReason(r.ctx.shift.p50Ratio));
  const flagged = lat.state === 'reported' || err.state === 'reported';
  if (flagged && r.ctx.mixChanged && !t.stratified) out.push('traffic mix changed and there is no per-route data to adjust for it');
  if (!flagged && !r.cp.current && r.cp.next && !out.some((x) => x.endsWith('checkpoint'))) out.push(`waiting for the ${r.cp.next.label} checkpoint`);
  const min = Math.min(t.before.requests, t.after.requests);
  if (lat.state === 'untested' && err.state === 'untested') {
    const side = t.before.requests <= t.after.requests ? 'before' : 'after';
    out.push(`not enough calls to compare (${min} ${side} the deploy)`);
  }
  return out;
}
