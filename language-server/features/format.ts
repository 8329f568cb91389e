/**
 * Numbers as the lenses and hovers print them: short, stable widths, never a misleading 0.00 %.
 */
import type { FunctionStats } from '@protocol/model';
export { formatQ, qText } from '@protocol/q-value';

export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 10_000) return `${trim(n / 1000, 1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  if (n < 10_000_000) return `${trim(n / 1_000_000, 1)}M`;
  return `${Math.round(n / 1_000_000)}M`;
}

export function formatRate(perMin: number): string {
  if (perMin === 0) return '0/min';
  if (perMin < 0.1) return `${trim(perMin * 60, 1)}/h`;
  if (perMin < 10) return `${trim(perMin, 1)}/min`;
  return `${formatCount(perMin)}/min`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1) return `${trim(ms, 2)}ms`;
  if (ms < 10) return `${trim(ms, 1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000, ms < 10_000 ? 2 : 1)}s`;
  return `${trim(ms / 60_000, 1)}min`;
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (pct < 0.01) return '<0.01%';
  if (pct < 1) return `${trim(pct, 2)}%`;
  if (pct < 10) return `${trim(pct, 1)}%`;
  return `${Math.round(pct)}%`;
}

export interface LensOptions {
  format: 'full' | 'compact';
  minSamples: number;
}

/** The figures a lens prints: a function's own, or an ambiguous route's. */
type Figures = Pick<FunctionStats, 'ratePerMin' | 'requests' | 'errors' | 'errorRate' | 'p50Ms' | 'p95Ms' | 'p99Ms'>;

/**
 * `prod · 1.2k/min · 0.8% err · p50 12ms p95 180ms p99 420ms · n=72k`. Below the minimum sample
 * size the percentiles and error rate are withheld and the lens says why. A handler whose route
 * has other candidates shows the route's figures after `ambiguous (1 of 2 handlers for GET /x)`
 * when it has no calls of its own, else its own figures followed by the route's count.
 */
export function lensTitle(s: FunctionStats, opts: LensOptions): string {
  const a = s.ambiguity;
  if (a && s.requests === 0) {
    const parts = ['prod', `ambiguous (${ambiguityLabel(a)})`, ...figures(a, opts)];
    if (s.thrownHere > 0) parts.push(`${formatCount(s.thrownHere)} thrown here`);
    return parts.join(' · ');
  }
  const parts = ['prod', ...figures(s, opts)];
  if (s.thrownHere > 0) parts.push(`${formatCount(s.thrownHere)} thrown here`);
  if (a) parts.push(`also ambiguous (${ambiguityLabel(a)}): n=${formatCount(a.requests)}`);
  else if (s.ambiguous) parts.push('ambiguous mapping');
  return parts.join(' · ');
}

/** `1 of 2 handlers for GET /orders/:id`. The route comes from telemetry; lenses are plain text. */
export function ambiguityLabel(a: NonNullable<FunctionStats['ambiguity']>): string {
  return `${a.position} of ${a.candidates.length} handlers for ${a.route.slice(0, 120)}`;
}

function figures(f: Figures, opts: LensOptions): string[] {
  const parts = [formatRate(f.ratePerMin)];
  if (f.requests < opts.minSamples) {
    parts.push(`${f.errors} err`, `n=${f.requests}, too few for percentiles`);
    return parts;
  }
  parts.push(`${formatPercent(f.errorRate ?? 0)} err`);
  parts.push(opts.format === 'full' ? `p50 ${formatMs(f.p50Ms)} p95 ${formatMs(f.p95Ms)} p99 ${formatMs(f.p99Ms)}` : `p95 ${formatMs(f.p95Ms)}`);
  parts.push(`n=${formatCount(f.requests)}`);
  return parts;
}

function trim(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}
