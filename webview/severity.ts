/**
 * The order of the deploy panel's table: the functions a developer must look at first come first.
 * Regressions before suggestive results still waiting for a checkpoint, then improvements, then the
 * rest; within a rank, stronger evidence (smaller q) and then a bigger effect first.
 */
import type { DeployDiffFunction } from '@protocol/model';

export type SeverityInput = Pick<DeployDiffFunction, 'verdict' | 'waitingFor' | 'latency' | 'errors' | 'symbol' | 'changedInDiff'>;

export function severityRank(f: SeverityInput): number {
  if (f.verdict === 'regressed') return 0;
  if (f.waitingFor !== null && (f.latency.direction === 'regressed' || f.errors.direction === 'regressed')) return 1;
  if (f.verdict === 'improved') return 2;
  if (f.verdict === 'unchanged') return 3;
  return 4;
}

function strongestQ(f: SeverityInput): number {
  return Math.min(f.latency.q ?? 1, f.errors.q ?? 1);
}

function effect(f: SeverityInput): number {
  const r = f.latency.p95Ratio;
  return r !== null && r > 0 ? Math.abs(Math.log(r)) : 0;
}

export function compareSeverity(a: SeverityInput, b: SeverityInput): number {
  return (
    severityRank(a) - severityRank(b) ||
    strongestQ(a) - strongestQ(b) ||
    effect(b) - effect(a) ||
    Number(b.changedInDiff) - Number(a.changedInDiff) ||
    a.symbol.localeCompare(b.symbol)
  );
}

export function bySeverity<T extends SeverityInput>(functions: readonly T[]): T[] {
  return [...functions].sort(compareSeverity);
}
