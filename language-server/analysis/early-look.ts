/**
 * The early look's effect and sample gates (checkpoints.ts explains its share of α). Before the
 * first checkpoint a metric may only be reported when the evidence is overwhelming: each side has
 * more calls than the usual minimum, and the change is large — a p95 at least 1.5× (or at most
 * 1/1.5×), or an error rate up (or down) by at least 5 points and 3× — on top of the usual gates.
 * A change that large with hundreds of calls per side is never noise at q ≤ α·share/looks.
 */
import type { LatencyComparison } from './latency-test';
import type { ErrorComparison } from './error-test';
import type { EarlyLook } from './checkpoints';

export function overwhelmingLatency(l: LatencyComparison | null, e: EarlyLook): boolean {
  if (!l || l.gate !== l.direction || l.p95Ratio === null) return false;
  if (Math.min(l.nBefore, l.nAfter) < e.minSamples) return false;
  return l.direction === 'regressed' ? l.p95Ratio >= e.minP95Ratio : l.p95Ratio <= 1 / e.minP95Ratio;
}

export function overwhelmingErrors(c: ErrorComparison | null, requests: { before: number; after: number }, e: EarlyLook): boolean {
  if (!c || c.gate !== c.direction || c.rateBefore === null || c.rateAfter === null) return false;
  if (Math.min(requests.before, requests.after) < e.minSamples) return false;
  const [from, to] = c.direction === 'regressed' ? [c.rateBefore, c.rateAfter] : [c.rateAfter, c.rateBefore];
  return to - from >= e.minErrorDelta && to >= e.minErrorRatio * from;
}

/** The deploy-level note before the first checkpoint, saying what the early look demands. */
export function earlyNote(reported: number, next: string, levelPerLook: number, e: EarlyLook): string {
  const demands = `n ≥ ${e.minSamples} per side, p95 ×${e.minP95Ratio} or errors +${Math.round(e.minErrorDelta * 100)} points and ×${e.minErrorRatio}, q ≤ ${levelPerLook.toPrecision(2)}`;
  return reported > 0
    ? `early look: ${reported} verdict${reported === 1 ? '' : 's'} on overwhelming evidence (${demands}); everything else is waiting for the ${next} checkpoint`
    : `no verdicts yet: waiting for the ${next} checkpoint (the early look reports only overwhelming evidence: ${demands})`;
}
