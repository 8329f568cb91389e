/** The trace view: a waterfall of one trace from prodlens/trace. */
import * as lsp from '@protocol/lsp';
import { traceViewInboundSchema, traceViewOutboundSchema, type TraceViewInbound, type TraceViewOutbound } from '@protocol/webview';
import type { Ctx } from '../ctx';
import { createPanel, openLocation } from './panel-host';

export function showTracePanel(ctx: Ctx, traceId: string): void {
  const client = ctx.requireClient();
  if (!client) return;
  const p = createPanel<TraceViewInbound, TraceViewOutbound>(ctx, {
    viewType: 'prodlens.trace',
    title: `Trace ${traceId.slice(0, 8)}`,
    bundle: 'trace-view',
    inbound: traceViewInboundSchema,
    outbound: traceViewOutboundSchema,
  });
  p.onMessage(async (message) => {
    if (message.type === 'openFunction') return openLocation(message.location.file, message.location.line);
    try {
      p.post({ type: 'trace', traceId, spans: await client.sendRequest(lsp.trace, { traceId }) });
    } catch (err) {
      p.post({ type: 'error', message: `Could not load trace ${traceId}: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
}
