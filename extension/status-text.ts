/** What the status bar item says for each server state. Pure, so it is tested without VS Code. */
import type { StatusParams } from '@protocol/lsp';

export interface StatusView {
  text: string;
  tooltip: string;
  /** Marks states the user must act on. */
  severity: 'ok' | 'warning' | 'error';
}

export function statusView(s: StatusParams): StatusView {
  const stored = `${s.spansStored.toLocaleString('en-US')} spans stored${s.lastIngestAt ? `, last batch ${s.lastIngestAt}` : ''}`;
  const tooltip = (headline: string) => `Prodlens: ${headline}\n${s.detail}\n${stored}\nClick to show the Prodlens output.`;
  switch (s.state) {
    case 'connected':
    case 'idle':
      if (s.spansStored === 0) return { text: '$(pulse) Prodlens: no data yet', tooltip: tooltip('connected, no spans received yet'), severity: 'ok' };
      return { text: '$(pulse) Prodlens', tooltip: tooltip('connected'), severity: 'ok' };
    case 'behind':
      return { text: `$(sync~spin) Prodlens: behind by ${s.behindBatches}`, tooltip: tooltip(`${s.behindBatches} batches waiting at the collector`), severity: 'warning' };
    case 'connecting':
      return { text: '$(sync~spin) Prodlens', tooltip: tooltip('connecting'), severity: 'ok' };
    case 'unreachable':
      return { text: '$(debug-disconnect) Prodlens: unreachable', tooltip: tooltip('collector unreachable'), severity: 'error' };
    case 'unauthorized':
      return { text: '$(lock) Prodlens: token rejected', tooltip: tooltip('the collector rejected the token; run "Prodlens: Set Collector Token…"'), severity: 'error' };
    case 'no-collector':
      return { text: '$(circle-slash) Prodlens: no collector', tooltip: tooltip('no collector configured; run "Prodlens: Connect to Collector…" or "Prodlens: Start Local Collector"'), severity: 'warning' };
  }
}

export function startingView(): StatusView {
  return { text: '$(sync~spin) Prodlens', tooltip: 'Prodlens: starting the language server', severity: 'ok' };
}

export function failedView(reason: string): StatusView {
  return { text: '$(error) Prodlens: server failed', tooltip: `Prodlens: the language server could not start.\n${reason}\nClick to show the Prodlens output.`, severity: 'error' };
}
