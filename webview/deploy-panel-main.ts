/**
 * Browser entry of the deploy panel (dist/webview/deploy-panel.js). Two modes:
 *  - inside a VS Code webview: talks to the extension with typed, validated messages and keeps its
 *    state across hide/show with getState/setState;
 *  - standalone: when the page holds `<script type="application/json" id="prodlens-data">`, it
 *    renders that data and never calls acquireVsCodeApi (see standalone-html.ts).
 */
import './zod-config';
import './panel.css';
import {
  deployPanelInboundSchema,
  deployPanelOutboundSchema,
  parseMessage,
  standaloneDataSchema,
  type DeployPanelInbound,
  type DeployPanelOutbound,
  type StandaloneData,
  type CodeLocation,
  type DeploySelection,
} from '@protocol/webview';
import { EMPTY_STATE, renderDeployPanel, type DeployPanelState } from './deploy-panel-render';
import { panelChannel } from './vscode-api';

function root(): HTMLElement {
  const el = document.getElementById('root');
  if (el) return el;
  const made = document.createElement('main');
  made.id = 'root';
  document.body.append(made);
  return made;
}

function standalone(dataEl: HTMLElement): void {
  let state: DeployPanelState;
  try {
    const data = parseMessage<StandaloneData>(standaloneDataSchema, 'report page data', JSON.parse(dataEl.textContent ?? ''));
    state = { ...EMPTY_STATE, loading: false, diff: data.deployDiff, dora: data.dora };
  } catch (err) {
    state = { ...EMPTY_STATE, loading: false, error: `Could not read the report data: ${err instanceof Error ? err.message : String(err)}` };
  }
  renderDeployPanel(root(), state, {});
}

function inVsCodeWebview(): void {
  const channel = panelChannel<DeployPanelInbound, DeployPanelOutbound, DeployPanelState>(deployPanelInboundSchema, deployPanelOutboundSchema, 'deploy panel');
  let state: DeployPanelState = channel.state() ?? EMPTY_STATE;
  const handlers = {
    openFunction: (location: CodeLocation) => channel.post({ type: 'openFunction', location }),
    selectDeploy: (selection: DeploySelection) => {
      update({ selection, loading: true, error: null });
      channel.post({ type: 'selectDeploy', selection });
    },
  };
  const update = (patch: Partial<DeployPanelState>) => {
    state = { ...state, ...patch };
    channel.saveState(state);
    renderDeployPanel(root(), state, handlers);
  };
  channel.listen(
    (message) => {
      if (message.type === 'deploys') update({ deploys: message.deploys, selection: message.selected ?? state.selection, loading: message.selected !== null });
      else if (message.type === 'deployDiff') update({ selection: message.selection, diff: message.diff, dora: message.dora, loading: false, error: null });
      else update({ error: message.message, loading: false });
    },
    (error) => update({ error: error.message, loading: false }),
  );
  renderDeployPanel(root(), state, handlers);
  channel.post({ type: 'ready' });
}

const data = document.getElementById('prodlens-data');
if (data) standalone(data);
else inVsCodeWebview();
