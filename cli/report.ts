/**
 * `prodlens report [DIR]` — pulls what is new from the collector into the store, then prints the
 * per-function numbers the code lenses show (DESIGN.md "CLI": flags and JSON are a contract).
 */
import type { ReportJson } from '@protocol/model';
import { formatCount, formatMs, formatPercent, formatRate } from '../language-server/features/format';
import { durationFlag, parseCommandArgs } from './args';
import { ENGINE_FLAGS, formatFlag, singleDir, withCaughtUpEngine, type Format } from './engine-command';
import { markdownTable, textTable, type Align } from './text-table';

const USAGE = `usage: prodlens report [DIR] [--source URL] [--token T] [--db FILE] [--window 1h] [--format table|markdown|json]

  DIR        the workspace (default: the current directory)
  --source   collector URL to pull from first (e.g. http://127.0.0.1:4318); without it, report what is stored
  --token    the collector's pull token (default: $PRODLENS_TOKEN)
  --db       the SQLite store (default: per workspace under the user's cache directory)
  --window   how far back to look (default 1h)
  --format   table (default), markdown or json`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', args, { ...ENGINE_FLAGS, window: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = singleDir('report', positionals, USAGE);
  const format = formatFlag(values.format);
  const window = values.window ?? '1h';
  durationFlag('window', window, 0);
  return withCaughtUpEngine('report', dir, values, { window }, async (engine) => {
    const report: ReportJson = { functions: engine.allFunctionStats(), unmapped: engine.unmapped() };
    process.stdout.write(`${render(report, format, window, engine.settings().minSamples)}\n`);
    return 0;
  });
}

export function render(report: ReportJson, format: Format, window: string, minSamples: number): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  const headers = ['function', 'where', 'rate', 'errors', 'p50', 'p95', 'p99', 'n', 'thrown here', 'mapped by'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];
  const rows = report.functions.map((f) => {
    const few = f.requests < minSamples;
    return [
      f.symbol,
      `${f.file}:${f.line}`,
      formatRate(f.ratePerMin),
      few ? `${f.errors}` : formatPercent(f.errorRate ?? 0),
      few ? '–' : formatMs(f.p50Ms),
      few ? '–' : formatMs(f.p95Ms),
      few ? '–' : formatMs(f.p99Ms),
      formatCount(f.requests),
      f.thrownHere ? formatCount(f.thrownHere) : '',
      `${f.mappedBy.join(', ')}${f.ambiguous ? ' (ambiguous)' : ''}`,
    ];
  });
  const uHeaders = ['service', 'span', 'route', 'count', 'why'];
  const uRows = report.unmapped.map((u) => [u.service, u.name, u.route ?? '', formatCount(u.count), u.reason]);
  const table = format === 'markdown' ? markdownTable : textTable;
  const title = (t: string) => (format === 'markdown' ? `### ${t}` : t);
  const out = [title(`Production, last ${window}: ${report.functions.length} functions`), ''];
  out.push(rows.length ? table(headers, rows, align) : 'No spans mapped to functions in this window.');
  if (uRows.length) out.push('', title(`Telemetry with no function (${uRows.length})`), '', table(uHeaders, uRows, ['left', 'left', 'left', 'right', 'left']));
  return out.join('\n');
}
