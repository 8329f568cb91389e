/**
 * Renders the "what changed since my deploy" panel from plain data. Used by the VS Code webview
 * (deploy-panel-main.ts) and by the standalone report page, so it knows nothing about VS Code.
 */
import type { DeployDiffFunction, DeployDiffJson, DeployInfo, DiffSide, DoraReport } from '@protocol/model';
import { deployAddress, type CodeLocation, type DeploySelection } from '@protocol/webview';
import { arrowNavigation, bar, h } from './dom';
import { ms, percent, qValue, ratio, span } from './format';
import { bySeverity } from './severity';

export interface DeployPanelState {
  deploys: DeployInfo[];
  selection: DeploySelection | null;
  diff: DeployDiffJson | null;
  dora: DoraReport | null;
  error: string | null;
  loading: boolean;
}

export interface DeployPanelHandlers {
  /** Absent in the standalone page, where rows are not links. */
  openFunction?: (location: CodeLocation) => void;
  selectDeploy?: (selection: DeploySelection) => void;
}

export const EMPTY_STATE: DeployPanelState = { deploys: [], selection: null, diff: null, dora: null, error: null, loading: true };

export function renderDeployPanel(root: HTMLElement, state: DeployPanelState, handlers: DeployPanelHandlers): void {
  const parts: HTMLElement[] = [];
  if (handlers.selectDeploy) parts.push(pickers(state, handlers.selectDeploy));
  if (state.error) parts.push(h('p', { className: 'error', text: state.error, attrs: { role: 'alert' } }));
  if (state.dora) parts.push(doraFigures(state.dora));
  if (state.diff) parts.push(deployHeader(state.diff), functionTable(state.diff, handlers.openFunction));
  else if (!state.error) parts.push(h('p', { className: 'muted', text: state.loading ? 'Loading deploys…' : 'No deploy to compare yet: Prodlens needs spans from at least two versions of a service.' }));
  root.replaceChildren(...parts);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function select(label: string, options: Array<{ value: string; text: string }>, value: string | undefined, onChange: (v: string) => void): HTMLElement {
  const id = `pick-${label.toLowerCase()}`;
  const el = h('select', { attrs: { id } });
  for (const o of options) el.append(h('option', { text: o.text, attrs: { value: o.value } }));
  if (value !== undefined) el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return h('label', { className: 'picker', attrs: { for: id } }, [h('span', { text: label }), el]);
}

function pickers(state: DeployPanelState, onSelect: (s: DeploySelection) => void): HTMLElement {
  const sel = state.selection;
  const services = unique(state.deploys.map((d) => d.service));
  const service = sel?.service ?? services[0] ?? '';
  const environments = unique(state.deploys.filter((d) => d.service === service).map((d) => d.environment));
  const environment = sel && environments.includes(sel.environment) ? sel.environment : (environments[0] ?? '');
  const versions = state.deploys.filter((d) => d.service === service && d.environment === environment);
  const latest = (s: string, e: string) => deployAddress(state.deploys.find((d) => d.service === s && d.environment === e));
  const firstEnv = (s: string) => unique(state.deploys.filter((d) => d.service === s).map((d) => d.environment))[0] ?? '';
  return h('div', { className: 'pickers' }, [
    select('Service', services.map((s) => ({ value: s, text: s })), service, (s) => onSelect({ service: s, environment: firstEnv(s), version: latest(s, firstEnv(s)) })),
    select('Environment', environments.map((e) => ({ value: e, text: e })), environment, (e) => onSelect({ service, environment: e, version: latest(service, e) })),
    select(
      'Deploy',
      versions.map((d, i) => ({ value: deployAddress(d), text: `${d.version}${d.occurrence && d.occurrence > 1 ? ` (deploy #${d.occurrence})` : ''}${d.rollback ? ' · rollback' : ''}${d.commit ? ` (${d.commit.slice(0, 8)})` : ''} · ${d.firstSeen}${i === 0 ? ' · latest' : ''}` })),
      sel?.version,
      (v) => onSelect({ service, environment, version: v }),
    ),
  ]);
}

function figure(label: string, value: string, detail: string): HTMLElement {
  return h('div', { className: 'figure' }, [h('div', { className: 'figure-value', text: value }), h('div', { className: 'figure-label', text: label }), h('div', { className: 'muted', text: detail })]);
}

function doraFigures(d: DoraReport): HTMLElement {
  return h('section', { className: 'dora', attrs: { 'aria-label': `DORA figures over ${d.days} days` } }, [
    figure('Deploys / week', d.deploymentFrequency.perWeek.toFixed(1), `${d.deploymentFrequency.deploys} in ${d.days} d`),
    figure('Lead time (median)', span(d.leadTimeForChanges.medianMs), `${d.leadTimeForChanges.commits} commits, p90 ${span(d.leadTimeForChanges.p90Ms)}`),
    figure('Change failure rate', percent(d.changeFailureRate.rate), `${d.changeFailureRate.failed} of ${d.changeFailureRate.deploys} deploys`),
    figure('Time to restore (median)', span(d.timeToRestore.medianMs), `${d.timeToRestore.restored} restored, ${d.timeToRestore.unresolved} open`),
  ]);
}

function deployHeader(diff: DeployDiffJson): HTMLElement {
  const d = diff.deploy;
  const title = `${diff.service} · ${diff.environment} · ${d.previousVersion ?? '(none)'} → ${d.version}`;
  return h('section', { className: 'deploy' }, [
    h('h1', { text: title }),
    h('p', { className: 'muted', text: `${diff.comparison} · first seen ${d.firstSeen}${d.commit ? ` · commit ${d.commit.slice(0, 12)}` : ''}` }),
    ...diff.report.notes.map((n) => h('p', { className: 'note', text: n })),
    diff.gitProblem ? h('p', { className: 'warning', text: `Git: ${diff.gitProblem}` }) : null,
  ]);
}

const HEADERS = ['Function', 'Verdict', 'p50', 'p95', 'p99', 'Errors', 'Effect', 'Confidence', 'Before / after'];

function functionTable(diff: DeployDiffJson, open: ((l: CodeLocation) => void) | undefined): HTMLElement {
  const rows = bySeverity(diff.functions);
  const maxMs = Math.max(1, ...rows.flatMap((f) => [f.before.p99Ms ?? 0, f.after.p99Ms ?? 0]));
  const body = h('tbody', {}, rows.map((f, i) => functionRow(f, i, maxMs, open)));
  const table = h('table', { className: 'functions', attrs: { 'aria-label': 'Functions by severity' } }, [
    h('thead', {}, [h('tr', {}, HEADERS.map((t) => h('th', { text: t, attrs: { scope: 'col' } })))]),
    body,
  ]);
  arrowNavigation(body, 'tr');
  if (rows.length === 0) return h('p', { className: 'muted', text: 'No function had calls on both sides of this deploy.' });
  return table;
}

function beforeAfter(before: number | null, after: number | null, format: (v: number | null) => string): string {
  return `${format(before)} → ${format(after)}`;
}

function histogram(before: DiffSide, after: DiffSide, maxMs: number): HTMLElement {
  const cell = h('div', { className: 'mini-chart' });
  for (const key of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
    const label = key.slice(0, 3);
    cell.append(
      h('div', { className: 'mini-row' }, [
        h('span', { className: 'mini-label', text: label }),
        bar((before[key] ?? 0) / maxMs, 'before', `${label} before ${ms(before[key])}`),
        bar((after[key] ?? 0) / maxMs, 'after', `${label} after ${ms(after[key])}`),
      ]),
    );
  }
  return cell;
}

function functionRow(f: DeployDiffFunction, index: number, maxMs: number, open: ((l: CodeLocation) => void) | undefined): HTMLElement {
  const verdict = f.early ? `${f.verdict} (early)` : f.waitingFor ? `${f.verdict} (waiting for ${f.waitingFor})` : f.verdict;
  const name = h('td', { className: 'fn' }, [
    h('span', { className: 'symbol', text: f.symbol }),
    f.changedInDiff ? h('span', { className: 'badge', text: 'changed in this deploy' }) : null,
    h('div', { className: 'muted', text: `${f.file}:${f.line}` }),
    f.reasons.length ? h('div', { className: 'reasons', text: f.reasons.join(' · ') }) : null,
  ]);
  const row = h('tr', { className: `verdict-${f.verdict}`, attrs: { tabindex: '0', 'data-index': String(index), 'aria-label': `${f.symbol}: ${verdict}` } }, [
    name,
    h('td', { className: 'verdict', text: verdict }),
    h('td', { text: beforeAfter(f.before.p50Ms, f.after.p50Ms, ms) }),
    h('td', { text: beforeAfter(f.before.p95Ms, f.after.p95Ms, ms) }),
    h('td', { text: beforeAfter(f.before.p99Ms, f.after.p99Ms, ms) }),
    h('td', { text: beforeAfter(f.errors.rateBefore, f.errors.rateAfter, percent) }),
    h('td', { text: `p95 ${ratio(f.latency.p95Ratio)}` }),
    h('td', { text: `latency ${qValue(f.latency.q)} · errors ${qValue(f.errors.q)}` }),
    h('td', {}, [histogram(f.before, f.after, maxMs)]),
  ]);
  if (open) {
    const go = () => open({ file: f.file, symbol: f.symbol, line: f.line });
    row.classList.add('clickable');
    row.addEventListener('click', go);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        go();
      }
    });
  }
  return row;
}
