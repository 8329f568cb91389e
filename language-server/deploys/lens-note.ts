/**
 * What a code lens adds about the latest deploy: `▲ p95 +38% since 1.4.2 (q=0.003)` for a regressed
 * function, `▼ …` for an improved one; errors when the error rate is what moved; and whether the
 * function was edited since the deployed commit.
 */
import type { DeployDiffFunction, DeployDiffJson } from '@protocol/model';
import { qText } from '../features/format';

/**
 * Lens notes of the deploy's regressed and improved functions in one file, keyed by qualified name,
 * plus `changed since 1.4.2` on functions edited since the deployed commit (their numbers describe
 * the code as deployed, not as it is now).
 */
export function deployLensNotes(diff: DeployDiffJson | null, file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!diff) return out;
  for (const f of diff.functions) {
    if (f.file !== file || (f.verdict !== 'regressed' && f.verdict !== 'improved')) continue;
    out.set(f.symbol, lensNote(f, diff.deploy.version));
  }
  for (const c of diff.changedSinceDeploy ?? []) {
    if (c.file !== file) continue;
    const note = `changed since ${diff.deploy.version}`;
    const verdict = out.get(c.symbol);
    out.set(c.symbol, verdict ? `${verdict} · ${note}` : note);
  }
  return out;
}

export function lensNote(f: DeployDiffFunction, version: string): string {
  const arrow = f.verdict === 'regressed' ? '▲' : '▼';
  const latencyMoved = f.latency.direction === f.verdict && f.latency.q !== null;
  const what = latencyMoved ? `p95 ${signedPercent(f.latency.p95Ratio)}` : `errors ${percent(f.errors.rateBefore)}→${percent(f.errors.rateAfter)}`;
  const q = latencyMoved ? f.latency.q : f.errors.q;
  return `${arrow} ${what} since ${version}${q === null ? '' : ` (${qText(q)})`}${f.early ? ', early look' : ''}`;
}

function signedPercent(ratio: number | null): string {
  if (ratio === null) return '?';
  const pct = Math.round((ratio - 1) * 100);
  return `${pct >= 0 ? '+' : ''}${pct}%`;
}

function percent(rate: number | null): string {
  return rate === null ? '–' : `${Number((rate * 100).toFixed(rate < 0.01 ? 2 : 1))}%`;
}
