/** "What changed since my deploy": one panel per window, fed by prodlens/deploys, deployDiff and dora. */
import * as vscode from 'vscode';
import * as lsp from '@protocol/lsp';
import { deployAddress, deployPanelInboundSchema, deployPanelOutboundSchema, type DeployPanelInbound, type DeployPanelOutbound, type DeploySelection } from '@protocol/webview';
import type { Ctx } from '../ctx';
import { createPanel, openLocation, type Panel } from './panel-host';

export async function showDeployPanel(ctx: Ctx): Promise<void> {
  const client = ctx.requireClient();
  if (!client) return;
  const p: Panel<DeployPanelInbound, DeployPanelOutbound> = createPanel(ctx, {
    viewType: 'prodlens.deployDiff',
    title: 'Prodlens: What Changed',
    bundle: 'deploy-panel',
    inbound: deployPanelInboundSchema,
    outbound: deployPanelOutboundSchema,
  });
  const fail = (what: string, err: unknown) => {
    const message = `Could not load ${what}: ${err instanceof Error ? err.message : String(err)}`;
    ctx.output.error(message);
    p.post({ type: 'error', message });
  };
  // The webview reloads when its tab is hidden and shown again, and asks with `ready`; it gets
  // the deploy the user last chose, not the latest one again.
  let chosen: DeploySelection | null = null;
  const loadDiff = async (selection: DeploySelection) => {
    chosen = selection;
    try {
      const [diff, dora] = await Promise.all([
        client.sendRequest(lsp.deployDiff, selection),
        client.sendRequest(lsp.dora, { service: selection.service, environment: selection.environment }),
      ]);
      p.post({ type: 'deployDiff', selection, diff, dora });
    } catch (err) {
      fail(`the deploy diff for ${selection.service} ${selection.version}`, err);
    }
  };
  p.onMessage(async (message) => {
    if (message.type === 'ready') {
      try {
        const deploys = await client.sendRequest(lsp.deploys, {});
        const latest = deploys[0];
        const stillKnown = chosen && deploys.some((d) => d.service === chosen!.service && d.environment === chosen!.environment && deployAddress(d) === chosen!.version);
        const selected = stillKnown ? chosen : latest ? { service: latest.service, environment: latest.environment, version: deployAddress(latest) } : null;
        p.post({ type: 'deploys', deploys, selected });
        if (selected) await loadDiff(selected);
      } catch (err) {
        fail('the list of deploys', err);
      }
    } else if (message.type === 'selectDeploy') {
      await loadDiff(message.selection);
    } else {
      await openLocation(message.location.file, message.location.line);
    }
  });
  p.panel.reveal(vscode.ViewColumn.Beside);
}
