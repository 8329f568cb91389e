/**
 * `prodlens dora [DIR]` — the four DORA figures for a service over a period, from the same deploy
 * history and deploy diffs as `prodlens diff`.
 */
import type { DoraReport } from '@protocol/model';
import { durationFlag, parseCommandArgs } from './args';
import { ENGINE_FLAGS, formatFlag, singleDir, withCaughtUpEngine, type Format } from './engine-command';
import { markdownTable, textTable } from './text-table';

const USAGE = `usage: prodlens dora [DIR] [--source URL] [--token T] [--db FILE] [--service S] [--env E]
                     [--period 30d] [--format table|markdown|json]

  DIR        the workspace, inside its git repository (lead times come from its commits)
  --source   collector URL to pull spans and deploy markers from first
  --token    the collector's pull token (default: $PRODLENS_TOKEN)
  --db       the SQLite store (default: per workspace under the user's cache directory)
  --service  the service (default: the one deployed most recently)
  --env      the deployment environment
  --period   how far back, ending now (default 30d)
  --format   table (default), markdown or json

exit codes: 0 printed, 1 failed, 2 bad arguments or unknown service`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('dora', args, {
    ...ENGINE_FLAGS,
    service: { type: 'string' },
    env: { type: 'string' },
    period: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = singleDir('dora', positionals, USAGE);
  const format = formatFlag(values.format);
  const period = values.period ?? '30d';
  durationFlag('period', period, 0);
  return withCaughtUpEngine('dora', dir, values, {}, async (engine) => {
    const report = await engine.dora({ service: values.service, environment: values.env, period });
    if (!report) {
      process.stderr.write('prodlens dora: no deploys known yet\n');
      if (format === 'json') process.stdout.write('null\n');
      return 0;
    }
    process.stdout.write(`${render(report, format, period)}\n`);
    return 0;
  });
}

export function render(r: DoraReport, format: Format, period: string): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  const hours = (ms: number | null) => (ms === null ? '–' : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
  const rows = [
    ['deployment frequency', `${r.deploymentFrequency.deploys} deploys, ${r.deploymentFrequency.perWeek.toFixed(1)}/week`],
    ['lead time for changes', `median ${hours(r.leadTimeForChanges.medianMs)}, p90 ${hours(r.leadTimeForChanges.p90Ms)} over ${r.leadTimeForChanges.commits} commits`],
    ['change failure rate', r.changeFailureRate.rate === null ? '–' : `${Math.round(r.changeFailureRate.rate * 100)}% (${r.changeFailureRate.failed} of ${r.changeFailureRate.deploys})`],
    ['time to restore', `median ${hours(r.timeToRestore.medianMs)} (${r.timeToRestore.restored} restored, ${r.timeToRestore.unresolved} open)`],
  ];
  const title = `DORA, last ${period}`;
  return format === 'markdown' ? [`### ${title}`, '', markdownTable(['figure', 'value'], rows)].join('\n') : [title, '', textTable(['figure', 'value'], rows)].join('\n');
}
