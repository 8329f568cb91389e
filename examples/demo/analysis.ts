/**
 * The Prodlens side of the demo: the language server's engine opened on the demo repository,
 * caught up with the collector, asked for the per-function report and for "what changed since the
 * deploy". The printing reuses the CLI's renderers, so the demo shows what `prodlens report` and
 * `prodlens diff` print.
 */
import type { DeployDiffFunction, DeployDiffJson, DoraReport, ReportJson } from '@protocol/model';
import { DEFAULT_SETTINGS } from '@protocol/settings';
import { render as renderDiff } from '../../cli/diff';
import { render as renderReport } from '../../cli/report';
import { terminalSafe } from '../../cli/text-table';
import { openEngine } from '../../language-server/engine';
import { formatQ } from '../../language-server/features/format';

export interface Analysis {
  spans: number;
  report: ReportJson;
  diff: DeployDiffJson;
  dora: DoraReport | null;
  minSamples: number;
  warnings: string[];
  /** The look the diff was judged at: "early" right after a deploy, else a checkpoint ("15 min"). */
  checkpoint: string;
}

export interface AnalysisOptions {
  repoDir: string;
  collectorUrl: string;
  token: string;
  dbFile: string;
  service: string;
  environment: string;
  version: string;
}

/**
 * The diff is asked for on the real clock, seconds after version 2 appeared: what a user sees right
 * after a deploy. The two culprits are found by the early look (overwhelming evidence); anything
 * else would wait for the 15 min checkpoint.
 */
export async function analyse(o: AnalysisOptions): Promise<Analysis> {
  const warnings: string[] = [];
  const engine = await openEngine({
    root: o.repoDir,
    settings: { ...DEFAULT_SETTINGS, collectorUrl: o.collectorUrl, window: '1h' },
    token: o.token,
    dbFile: o.dbFile,
    pullInBackground: false,
    log: (level, message) => warnings.push(`${level}: ${message}`),
  });
  try {
    const spans = await engine.catchUp();
    const report: ReportJson = { functions: engine.allFunctionStats(), unmapped: engine.unmapped() };
    const deploy = engine.deploys({ service: o.service, environment: o.environment }).find((d) => d.version === o.version);
    if (!deploy) throw new Error(`demo: the engine saw no deploy of ${o.service} ${o.version} among ${spans} spans; did the service export its spans? ${warnings.join('; ')}`);
    const diff = await engine.deployDiff({ service: o.service, environment: o.environment, version: o.version });
    if (!diff) throw new Error(`demo: no deploy diff for ${o.service} ${o.version}`);
    const dora = await engine.dora({ service: o.service, environment: o.environment, period: '1d' });
    const checkpoint = diff.report.checkpoint?.label ?? 'early';
    return { spans, report, diff, dora, minSamples: engine.settings().minSamples, warnings, checkpoint };
  } finally {
    await engine.close();
  }
}

/** The terminal text: the lenses' numbers, then what changed since the deploy and why. */
export function printable(a: Analysis): string {
  const out: string[] = [];
  out.push('━━ The per-function report (what the code lenses show) ━━', '', renderReport(a.report, 'table', '1h', a.minSamples), '');
  const when = a.checkpoint === 'early' ? `${age(a.diff.report.elapsedMs)} after it, early look` : `as of its ${a.checkpoint} checkpoint`;
  out.push(`━━ What changed since the deploy (${when}) ━━`, '', renderDiff(a.diff, 'table'), '');
  const culprits = a.diff.functions.filter((f) => f.verdict === 'regressed');
  if (culprits.length === 0) out.push('No function regressed.');
  for (const f of culprits) out.push(...culprit(f), '');
  return out.join('\n');
}

function culprit(f: DeployDiffFunction): string[] {
  const out = [`▶ ${terminalSafe(f.symbol, 120)}  (${terminalSafe(f.file, 120)}:${f.line})${f.changedInDiff ? ', changed in this deploy' : ', not touched by the diff'}`];
  for (const r of f.reasons) out.push(`    ${terminalSafe(r, 200)}`);
  out.push(`    confidence: ${confidence(f)}`);
  if (f.diffLines.length > 0) {
    out.push("    the deploy's diff in this function:");
    for (const l of f.diffLines) out.push(`      ${terminalSafe(l, 160)}`);
  }
  return out;
}

function confidence(f: DeployDiffFunction): string {
  const parts: string[] = [];
  if (f.latency.q !== null && f.latency.gatePassed) parts.push(`latency q ${q(f.latency.q)}`);
  if (f.errors.q !== null && f.errors.gatePassed) parts.push(`errors q ${q(f.errors.q)}`);
  return parts.length ? `${parts.join(', ')} (Benjamini–Hochberg across every test of this deploy)` : 'no test passed its gate';
}

/** `= 2.3e-5`, or `< 1e-300` where overwhelming evidence underflows to 0 in double precision. */
function q(value: number): string {
  const text = formatQ(value);
  return text.startsWith('<') ? text : `= ${text}`;
}

function age(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
