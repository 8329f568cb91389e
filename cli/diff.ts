/**
 * `prodlens diff [DIR]` — "what changed since the deploy": pulls from the collector (spans and deploy
 * markers), diffs the chosen deploy against the one before it, and prints per-function verdicts as a
 * table, a pull-request-ready markdown comment, or the JSON of DESIGN.md "CLI". With
 * `--fail-on regression` the exit code gates a canary.
 */
import type { DeployDiffFunction, DeployDiffJson } from '@protocol/model';
import { formatCount, formatMs, formatPercent, formatQ } from '../language-server/features/format';
import { inert } from '../language-server/features/markdown';
import { parseCommandArgs, UsageError } from './args';
import { ENGINE_FLAGS, formatFlag, singleDir, withCaughtUpEngine, type Format } from './engine-command';
import { markdownTable, terminalSafe, textTable, type Align } from './text-table';

const USAGE = `usage: prodlens diff [DIR] [--source URL] [--token T] [--db FILE] [--service S] [--env E]
                     [--deploy VERSION] [--format table|markdown|json] [--fail-on regression]

  DIR        the workspace, inside its git repository (default: the current directory)
  --source   collector URL to pull spans and deploy markers from first; without it, use what is stored
  --token    the collector's pull token (default: $PRODLENS_TOKEN)
  --db       the SQLite store (default: per workspace under the user's cache directory)
  --service  the service (default: the one deployed most recently)
  --env      the deployment environment
  --deploy   the deploy (default: the latest): a version picks its latest deploy; a version
             deployed more than once (a rollback, a re-deploy) takes V@N for its Nth deploy
             (1.4.1@2) or V@TIME for the one serving at an ISO time (1.4.1@2026-11-21T10:00:00Z)
  --format   table (default), markdown (for a pull-request comment) or json
  --fail-on  regression: exit 1 when any function regressed

exit codes:
  0  the diff was printed (and nothing regressed, with --fail-on regression)
  1  a function regressed (with --fail-on regression), or the diff failed
  2  bad arguments, or an unknown --service, --env or --deploy`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('diff', args, {
    ...ENGINE_FLAGS,
    service: { type: 'string' },
    env: { type: 'string' },
    deploy: { type: 'string' },
    'fail-on': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = singleDir('diff', positionals, USAGE);
  const format = formatFlag(values.format);
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'regression') throw new UsageError(`--fail-on must be "regression", got "${failOn}"`);
  return withCaughtUpEngine('diff', dir, values, {}, async (engine) => {
    const diff = await engine.deployDiff({ service: values.service, environment: values.env, version: values.deploy });
    if (!diff) {
      process.stderr.write('prodlens diff: no deploys known yet: send spans with service.version (OTEL_RESOURCE_ATTRIBUTES=service.version=…) or POST a deploy marker to the collector\n');
      if (format === 'json') process.stdout.write('null\n');
      return 0;
    }
    process.stdout.write(`${render(diff, format)}\n`);
    return failOn === 'regression' && diff.functions.some((f) => f.verdict === 'regressed') ? 1 : 0;
  });
}

export function render(diff: DeployDiffJson, format: Format): string {
  if (format === 'json') return JSON.stringify(diff, null, 2);
  const md = format === 'markdown';
  const table = md ? markdownTable : textTable;
  const s = diff.report.summary;
  const prev = diff.deploy.previousVersion ? ` vs ${diff.deploy.previousVersion}` : '';
  const title = `${diff.service}${diff.environment ? ` (${diff.environment})` : ''} ${diff.deploy.version}${prev}: ${s.regressed} regressed, ${s.improved} improved, ${s.unchanged} unchanged, ${s.insufficient} not enough data`;
  const out = [md ? `### ${inline(title)}` : terminalSafe(title, 200), '', md ? `_${inline(diff.comparison)}_` : terminalSafe(diff.comparison, 200)];
  for (const n of diff.report.notes) out.push(md ? `- ${inline(n)}` : `note: ${terminalSafe(n, 300)}`);
  if (diff.gitProblem) out.push(md ? `- git: ${inline(diff.gitProblem)}` : `git: ${terminalSafe(diff.gitProblem, 300)}`);
  const edited = editedSince(diff);
  if (edited) out.push(md ? `- ${inline(edited)}` : `note: ${terminalSafe(edited, 300)}`);
  out.push('');
  const shown = diff.functions.filter((f) => f.verdict !== 'unchanged' || f.changedInDiff || f.dailyCycle === true);
  const headers = ['verdict', 'function', 'where', 'p95 before', 'p95 after', 'p95 ratio', 'errors before', 'errors after', 'q', 'n after', 'diff'];
  const align: Align[] = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];
  out.push(shown.length ? table(headers, shown.map(row), align) : 'No function changed, and the diff touched none with data.');
  if (md) out.push(...suspects(shown));
  return out.join('\n');
}

/** Functions edited in the workspace since the deployed commit: their numbers describe older code. */
function editedSince(diff: DeployDiffJson): string | null {
  const list = diff.changedSinceDeploy ?? [];
  if (list.length === 0) return null;
  const names = list.slice(0, 10).map((c) => c.symbol).join(', ');
  return `changed in the workspace since ${diff.deploy.version} was deployed: ${names}${list.length > 10 ? ` and ${list.length - 10} more` : ''}`;
}

function row(f: DeployDiffFunction): string[] {
  const q = [f.latency.q, f.errors.q].filter((x): x is number => x !== null);
  return [
    f.dailyCycle ? `${f.verdict} (daily cycle)` : f.early ? `${f.verdict} (early)` : f.verdict,
    f.symbol,
    `${f.file}:${f.line}`,
    formatMs(f.before.p95Ms),
    formatMs(f.after.p95Ms),
    f.latency.p95Ratio === null ? '–' : `×${f.latency.p95Ratio.toFixed(2)}`,
    f.before.errorRate === null ? '–' : formatPercent(f.before.errorRate),
    f.after.errorRate === null ? '–' : formatPercent(f.after.errorRate),
    q.length ? formatQ(Math.min(...q)) : '–',
    formatCount(f.after.requests),
    f.changedInDiff ? 'changed' : '',
  ];
}

/** The diff lines inside each regressed function, as collapsed blocks under the table. */
function suspects(fns: readonly DeployDiffFunction[]): string[] {
  const out: string[] = [];
  for (const f of fns) {
    if (f.verdict !== 'regressed' || f.diffLines.length === 0) continue;
    const body = f.diffLines.map((l) => l.replace(/`/g, 'ˋ')).join('\n');
    out.push('', `<details><summary>${inline(f.symbol)}: the diff's lines in this function</summary>`, '', '```diff', body, '```', '</details>');
  }
  return out;
}

/** Markdown-inert one-line text (service names and notes may come from telemetry). */
function inline(text: string): string {
  return inert(text, 300);
}
