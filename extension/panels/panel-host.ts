/**
 * Creates a locked-down webview panel for one bundle in dist/webview and wires its messages through
 * zod in both directions (STYLE.md habits 4 and 8).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseMessage, type MessageSchema } from '@protocol/webview';
import type { Ctx } from '../ctx';
import { webviewHtml } from '../webview-html';

export interface PanelSpec {
  viewType: string;
  title: string;
  /** Bundle name in dist/webview without extension, e.g. "deploy-panel". */
  bundle: string;
  inbound: MessageSchema;
  outbound: MessageSchema;
}

export interface Panel<In, Out> {
  panel: vscode.WebviewPanel;
  post(message: In): void;
  onMessage(handler: (message: Out) => void | Promise<void>): void;
}

export function createPanel<In, Out>(ctx: Ctx, spec: PanelSpec): Panel<In, Out> {
  const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
    enableScripts: true,
    localResourceRoots: [ctx.webviewRoot],
  });
  const web = panel.webview;
  web.html = webviewHtml({
    title: spec.title,
    cspSource: web.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: web.asWebviewUri(vscode.Uri.joinPath(ctx.webviewRoot, `${spec.bundle}.js`)).toString(),
    styleUri: web.asWebviewUri(vscode.Uri.joinPath(ctx.webviewRoot, `${spec.bundle}.css`)).toString(),
  });
  return {
    panel,
    post: (message) => void web.postMessage(parseMessage<In>(spec.inbound, `extension → ${spec.bundle}`, message)),
    onMessage(handler) {
      panel.webview.onDidReceiveMessage(async (raw: unknown) => {
        try {
          await handler(parseMessage<Out>(spec.outbound, `${spec.bundle} → extension`, raw));
        } catch (err) {
          ctx.output.error(err instanceof Error ? err.message : String(err));
        }
      }, undefined, ctx.extension.subscriptions);
    },
  };
}

/** Opens a workspace-relative file at a 1-based line (the panels send workspace paths). */
export async function openLocation(file: string, line: number): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error(`cannot open ${file}: no workspace folder is open`);
  const uri = vscode.Uri.joinPath(folder.uri, ...file.split('/').filter((p) => p && p !== '..'));
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
}
