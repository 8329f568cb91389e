/** Browser entry of the trace view (dist/webview/trace-view.js). */
import './zod-config';
import './panel.css';
import { traceViewInboundSchema, traceViewOutboundSchema, type TraceViewInbound, type TraceViewOutbound } from '@protocol/webview';
import { EMPTY_TRACE, renderTraceView, type TraceViewState } from './trace-view-render';
import { panelChannel } from './vscode-api';

const channel = panelChannel<TraceViewInbound, TraceViewOutbound, TraceViewState>(traceViewInboundSchema, traceViewOutboundSchema, 'trace view');
const root = document.getElementById('root') ?? document.body;
let state: TraceViewState = channel.state() ?? EMPTY_TRACE;

function update(patch: Partial<TraceViewState>): void {
  state = { ...state, ...patch };
  channel.saveState(state);
  renderTraceView(root, state, (spanId) => update({ selected: spanId }), (location) => channel.post({ type: 'openFunction', location }));
}

channel.listen(
  (message) => {
    if (message.type === 'trace') {
      // After hide/show the extension sends the trace again; the span the user selected stays selected.
      const keep = message.traceId === state.traceId && message.spans.some((s) => s.spanId === state.selected);
      update({ traceId: message.traceId, spans: message.spans, error: null, selected: keep ? state.selected : message.spans[0]?.spanId ?? null });
    }
    else update({ error: message.message });
  },
  (error) => update({ error: error.message }),
);
update({});
channel.post({ type: 'ready' });
