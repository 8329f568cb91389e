/**
 * The short display strings of the deploy diff. Kept apart from the decision logic so wording can
 * change without touching the statistics, and so the CLI, lenses and panel all say the same thing.
 */
import { qText } from '../features/format';
import type { ErrorComparison } from './error-test';
import type { LatencyComparison } from './latency-test';

/** `q=0.003`, `q=2.3e-5`, `q<1e-300`: the one q formatter the CLI, lenses and panel share. */
const formatQ = qText;

function signedPercent(ratio: number): string {
  const pct = Math.round((ratio - 1) * 100);
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct)} %`;
}

function ms(v: number | null): string {
  if (v === null) return '–';
  return v >= 100 ? `${Math.round(v)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function percent(rate: number | null): string {
  if (rate === null) return '–';
  return `${(rate * 100).toFixed(rate < 0.1 ? 2 : 1)} %`;
}

export function latencyReason(l: LatencyComparison, q: number, suffix = ''): string {
  const ratio = l.p95Ratio === null ? '' : `p95 ${signedPercent(l.p95Ratio)} `;
  return `${ratio}(${ms(l.before.p95)} → ${ms(l.after.p95)} ms, ${formatQ(q)})${suffix}`;
}

export function errorReason(e: ErrorComparison, q: number, suffix = ''): string {
  return `errors ${percent(e.rateBefore)} → ${percent(e.rateAfter)} (${formatQ(q)})${suffix}`;
}

export function shiftNote(p50Ratio: number, controls: number): string {
  return `service-wide shift: p50 ${signedPercent(p50Ratio)} across ${controls} functions the diff did not touch`;
}

export function movedWithServiceReason(p50Ratio: number): string {
  return `moved with the service-wide shift (p50 ${signedPercent(p50Ratio)})`;
}

export function ratioText(ratio: number): string {
  return signedPercent(ratio);
}

/** "traffic mix changed: GET /export share 5 % → 40 %", naming the entry route that gained most. */
export function mixReason(routes: ReadonlyArray<{ route: string; shareBefore: number; shareAfter: number }>): string | null {
  let top: (typeof routes)[number] | null = null;
  for (const r of routes) if (!top || r.shareAfter - r.shareBefore > top.shareAfter - top.shareBefore) top = r;
  if (!top || top.shareAfter <= top.shareBefore) return null;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  return `traffic mix changed: ${top.route} share ${pct(top.shareBefore)} → ${pct(top.shareAfter)}`;
}
