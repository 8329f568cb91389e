/** Renders one trace as a waterfall with a details pane for the selected span. */
import type { TraceSpan } from '@protocol/lsp';
import type { CodeLocation } from '@protocol/webview';
import { arrowNavigation, h } from './dom';
import { ms } from './format';

export interface TraceViewState {
  traceId: string | null;
  spans: TraceSpan[];
  selected: string | null;
  error: string | null;
}

export const EMPTY_TRACE: TraceViewState = { traceId: null, spans: [], selected: null, error: null };

interface Row {
  span: TraceSpan;
  depth: number;
}

/** Parents before children, siblings by start time; spans whose parent is missing become roots. */
export function orderSpans(spans: TraceSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  for (const list of children.values()) list.sort((a, b) => (BigInt(a.startNs) < BigInt(b.startNs) ? -1 : 1));
  const rows: Row[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      rows.push({ span: s, depth });
      visit(s.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

export function renderTraceView(root: HTMLElement, state: TraceViewState, select: (spanId: string) => void, open: (l: CodeLocation) => void): void {
  if (state.error) return root.replaceChildren(h('p', { className: 'error', text: state.error, attrs: { role: 'alert' } }));
  if (!state.traceId) return root.replaceChildren(h('p', { className: 'muted', text: 'Loading trace…' }));
  if (state.spans.length === 0) return root.replaceChildren(h('p', { className: 'muted', text: `Trace ${state.traceId} is no longer in the store.` }));
  const rows = orderSpans(state.spans);
  const start = rows.reduce((m, r) => (BigInt(r.span.startNs) < m ? BigInt(r.span.startNs) : m), BigInt(rows[0]!.span.startNs));
  const offsetMs = (s: TraceSpan) => Number(BigInt(s.startNs) - start) / 1e6;
  const total = Math.max(...rows.map((r) => offsetMs(r.span) + r.span.durationMs), 0.001);
  const list = h('div', { className: 'waterfall', attrs: { role: 'listbox', 'aria-label': `Spans of trace ${state.traceId}` } });
  for (const { span, depth } of rows) {
    const fill = h('span', { className: 'bar-fill' });
    fill.style.left = `${(offsetMs(span) / total) * 100}%`;
    fill.style.width = `${(span.durationMs / total) * 100}%`;
    const label = h('div', { className: 'span-label' }, [h('span', { className: 'span-name', text: span.name }), h('span', { className: 'muted', text: ` ${span.service} · ${ms(span.durationMs)}` })]);
    label.style.paddingLeft = `${depth * 12}px`;
    const row = h('div', {
      className: `span-row${span.error ? ' error' : ''}`,
      attrs: { role: 'option', tabindex: '0', 'aria-selected': String(span.spanId === state.selected), 'aria-level': String(depth + 1), 'aria-label': `${span.name}, ${ms(span.durationMs)}` },
    }, [label, h('div', { className: 'span-bar' }, [fill])]);
    row.addEventListener('click', () => select(span.spanId));
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select(span.spanId);
      }
    });
    list.append(row);
  }
  arrowNavigation(list, '.span-row');
  const selected = state.spans.find((s) => s.spanId === state.selected);
  root.replaceChildren(h('h1', { text: `Trace ${state.traceId}` }), list, selected ? details(selected, open) : h('p', { className: 'muted', text: 'Select a span to see its attributes.' }));
}

function details(span: TraceSpan, open: (l: CodeLocation) => void): HTMLElement {
  const attrs = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b));
  const code = span.code;
  const openButton = code ? h('button', { text: `Open ${code.symbol} (${code.file}:${code.line})` }) : null;
  if (openButton && code) openButton.addEventListener('click', () => open({ file: code.file, symbol: code.symbol, line: code.line }));
  return h('section', { className: 'details', attrs: { 'aria-label': 'Span details' } }, [
    h('h2', { text: span.name }),
    h('p', { className: 'muted', text: `${span.service} · ${ms(span.durationMs)}${span.error ? ` · error: ${span.statusMessage}` : ''}` }),
    openButton,
    h('table', {}, [h('tbody', {}, attrs.map(([k, v]) => h('tr', {}, [h('th', { text: k, attrs: { scope: 'row' } }), h('td', { text: String(v) })])))]),
    span.exception ? h('h2', { text: `${span.exception.type}: ${span.exception.message}` }) : null,
    span.exception ? h('pre', { text: span.exception.stacktrace }) : null,
  ]);
}
