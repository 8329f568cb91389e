/** Browser entry of the function detail panel (dist/webview/function-detail.js): what a lens click opens. */
import './zod-config';
import './panel.css';
import type { FunctionDetail } from '@protocol/lsp';
import { functionViewInboundSchema, functionViewOutboundSchema, type FunctionViewInbound, type FunctionViewOutbound } from '@protocol/webview';
import { bar, h } from './dom';
import { ms, percent } from './format';
import { panelChannel } from './vscode-api';

interface State {
  detail: FunctionDetail | null;
  error: string | null;
}

const channel = panelChannel<FunctionViewInbound, FunctionViewOutbound, State>(functionViewInboundSchema, functionViewOutboundSchema, 'function detail');
const root = document.getElementById('root') ?? document.body;
let state: State = channel.state() ?? { detail: null, error: null };

function exemplars(title: string, list: FunctionDetail['slowest']): HTMLElement | null {
  if (list.length === 0) return null;
  return h('section', {}, [
    h('h2', { text: title }),
    h('ul', {}, list.map((e) => {
      const button = h('button', { text: `${ms(e.durationMs)} · ${e.version} · ${e.time}${e.message ? ` · ${e.message}` : ''}`, attrs: { 'aria-label': `Open trace ${e.traceId}` } });
      button.addEventListener('click', () => channel.post({ type: 'openTrace', traceId: e.traceId }));
      return h('li', {}, [button]);
    })),
  ]);
}

function render(): void {
  if (state.error) return root.replaceChildren(h('p', { className: 'error', text: state.error, attrs: { role: 'alert' } }));
  const d = state.detail;
  if (!d) return root.replaceChildren(h('p', { className: 'muted', text: 'Loading…' }));
  const s = d.stats;
  const peak = Math.max(1, ...d.histogram.map((b) => b.count));
  const parts: Array<HTMLElement | null> = [
    h('h1', { className: 'symbol', text: s.symbol }),
    h('p', { className: 'muted', text: `${s.file}:${s.line} · ${d.mappingExplanation}` }),
    h('p', { text: `${s.ratePerMin.toFixed(1)} req/min · ${percent(s.errorRate)} errors · p50 ${ms(s.p50Ms)} · p95 ${ms(s.p95Ms)} · p99 ${ms(s.p99Ms)} · ${s.requests} requests` }),
    d.histogram.length ? h('h2', { text: 'Latency' }) : null,
    d.histogram.length
      ? h('div', { className: 'mini-chart' }, d.histogram.map((b) => h('div', { className: 'mini-row' }, [h('span', { className: 'mini-label', text: `≤${ms(b.upperMs)}` }), bar(b.count / peak, 'before', `${b.count} calls`)])))
      : null,
    d.versions.length ? h('p', { className: 'muted', text: `Versions: ${d.versions.map((v) => `${v.version} (${v.requests})`).join(', ')}` }) : null,
    exemplars('Slowest calls', d.slowest),
    exemplars('Failing calls', d.failing),
  ];
  root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

channel.listen(
  (message) => {
    state = message.type === 'detail' ? { detail: message.detail, error: null } : { detail: state.detail, error: message.message };
    channel.saveState(state);
    render();
  },
  (error) => {
    state = { ...state, error: error.message };
    render();
  },
);
render();
channel.post({ type: 'ready' });
