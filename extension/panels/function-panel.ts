/** What a code lens opens: the function's production detail (prodlens/functionDetail) in a panel. */
import * as lsp from '@protocol/lsp';
import { functionViewInboundSchema, functionViewOutboundSchema, type FunctionViewInbound, type FunctionViewOutbound } from '@protocol/webview';
import type { Ctx } from '../ctx';
import { createPanel } from './panel-host';
import { showTracePanel } from './trace-panel';

export function showFunctionPanel(ctx: Ctx, params: lsp.FunctionDetailParams): void {
  const client = ctx.requireClient();
  if (!client) return;
  const p = createPanel<FunctionViewInbound, FunctionViewOutbound>(ctx, {
    viewType: 'prodlens.function',
    title: `Prodlens: ${params.symbol}`,
    bundle: 'function-detail',
    inbound: functionViewInboundSchema,
    outbound: functionViewOutboundSchema,
  });
  p.onMessage(async (message) => {
    if (message.type === 'openTrace') return showTracePanel(ctx, message.traceId);
    try {
      const detail = await client.sendRequest(lsp.functionDetail, params);
      p.post(detail ? { type: 'detail', detail } : { type: 'error', message: `No production data for ${params.symbol} in the current window.` });
    } catch (err) {
      p.post({ type: 'error', message: `Could not load ${params.symbol}: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
}
