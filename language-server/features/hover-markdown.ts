/**
 * The hover for a function, as markdown. Every string that came from telemetry (versions, trace
 * ids, messages, attribute keys and values, mapping explanations) goes through `inert`; the
 * result is shown as untrusted markdown by the client.
 */
import type { Exemplar, FunctionDetail } from '@protocol/lsp';
import type { AmbiguousShare } from '@protocol/model';
import { formatCount, formatMs, formatPercent, formatRate } from './format';
import { cell, inert } from './markdown';

const BARS = '▁▂▃▄▅▆▇█';

export interface HoverOptions {
  windowLabel: string;
  minSamples: number;
  nowMs: number;
}

export function hoverMarkdown(d: FunctionDetail, opts: HoverOptions): string {
  const s = d.stats;
  const out: string[] = [`**Prodlens** · ${inert(s.symbol)} · last ${inert(opts.windowLabel)}`, ''];
  // A handler whose calls are all ambiguous shows its route's figures, and says so first.
  const a = s.ambiguity;
  const f = a && s.requests === 0 ? a : s;
  if (a) ambiguityNote(out, a, s.file, s.symbol);
  if (f.requests < opts.minSamples) {
    out.push(`${formatRate(f.ratePerMin)} · ${f.errors} errors · n=${f.requests}: too few requests for percentiles yet.`);
  } else {
    out.push(
      `${formatRate(f.ratePerMin)} · ${formatPercent(f.errorRate ?? 0)} errors · ` +
        `p50 ${formatMs(f.p50Ms)} · p95 ${formatMs(f.p95Ms)} · p99 ${formatMs(f.p99Ms)} · n=${formatCount(f.requests)}`,
    );
  }
  if (s.thrownHere > 0) out.push('', `${formatCount(s.thrownHere)} errors thrown here (innermost in-app frame).`);
  const spark = sparkline(d.histogram);
  if (spark) out.push('', `Latency distribution: ${spark}`);
  if (d.versions.length > 0) {
    out.push('', `Versions: ${d.versions.map((v) => `${inert(v.version || '(none)', 40)} (${formatCount(v.requests)})`).join(', ')}`);
  }
  exemplarTable(out, 'Slowest traces', d.slowest, opts.nowMs);
  exemplarTable(out, 'Failing traces', d.failing, opts.nowMs);
  if (d.contrasts.length > 0) {
    out.push('', '**What sets slow or failing calls apart**', '');
    for (const c of d.contrasts) {
      out.push(
        `- ${inert(c.key, 60)} = ${inert(c.value, 60)}: ${formatPercent(c.selectionShare)} of slow/failing calls vs ${formatPercent(c.baselineShare)} of the rest`,
      );
    }
  }
  out.push('', `_Mapped by ${inert(s.mappedBy.join(', ') || 'unknown')} (confidence ${s.confidence.toFixed(1)})${s.ambiguous ? ', ambiguous' : ''}: ${inert(d.mappingExplanation, 200)}_`);
  return out.join('\n');
}

/**
 * Names the other candidates, so the reader knows the figures may belong to any of them. Paths and
 * names come from the workspace, the route from telemetry; all are escaped.
 */
function ambiguityNote(out: string[], a: AmbiguousShare, file: string, symbol: string): void {
  const others = a.candidates.filter((c) => c.file !== file || c.symbol !== symbol);
  out.push(
    `**Ambiguous**: ${inert(a.route, 120)} has ${a.candidates.length} handlers in this workspace; its ${formatCount(a.requests)} calls could be any of them (this is ${a.position} of ${a.candidates.length}). Also handling it:`,
    '',
    ...others.slice(0, 10).map((c) => `- ${inert(c.symbol, 120)} in ${inert(c.file, 200)}:${c.line}`),
    '',
  );
}

function exemplarTable(out: string[], title: string, rows: Exemplar[], nowMs: number): void {
  if (rows.length === 0) return;
  out.push('', `**${title}**`, '', '| trace | duration | status | when | version |', '|---|---:|---|---|---|');
  for (const r of rows) {
    const status = r.error ? `error${r.message ? `: ${cell(r.message, 60)}` : ''}` : 'ok';
    out.push(`| ${cell(r.traceId.slice(0, 16))} | ${formatMs(r.durationMs)} | ${status} | ${ago(r.time, nowMs)} | ${cell(r.version || '–', 24)} |`);
  }
}

/** A one-line bar chart of the latency distribution, with its range. */
export function sparkline(bins: FunctionDetail['histogram']): string {
  const nonEmpty = bins.filter((b) => b.count > 0);
  if (nonEmpty.length < 2) return '';
  const max = Math.max(...bins.map((b) => b.count));
  const bars = bins.map((b) => (b.count === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((b.count / max) * (BARS.length - 1)))]!)).join('');
  return `\`${bars}\` ${formatMs(nonEmpty[0]!.upperMs)} … ${formatMs(nonEmpty[nonEmpty.length - 1]!.upperMs)}`;
}

function ago(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '–';
  const s = Math.max(0, Math.round((nowMs - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
