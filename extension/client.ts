/**
 * Starts and stops the language server (dist/server.js) over node IPC. The runtime is checked first
 * (runtime-check.ts) so a native-module mismatch is reported with its fix instead of a dead server.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import * as lsp from '@protocol/lsp';
import type { Ctx } from './ctx';
import { SERVER_NODE_FLAGS } from '../language-server/ingest/node-flags';
import { checkServerRuntime } from './runtime-check';
import { readSettings, serverRuntime } from './settings';
import { failedView, startingView, statusView } from './status-text';

const SELECTOR = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'java'].map((language) => ({ scheme: 'file', language }));

export async function startClient(ctx: Ctx): Promise<void> {
  ctx.statusBar.show(startingView());
  const runtime = serverRuntime();
  const check = await checkServerRuntime(runtime, vscode.Uri.joinPath(ctx.extensionUri, 'dist').fsPath);
  if (!check.ok) return reportFailure(ctx, `${check.problem}\n${check.fix}`, true);
  ctx.output.info(`server runtime: ${runtime || 'the extension host'} (${check.version})`);

  const module = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'server.js').fsPath;
  // The server's V8 flags (heap sizing for ingest) are the ones the benchmark measures with.
  const options = { env: { ...process.env }, execArgv: [...SERVER_NODE_FLAGS] };
  const run = { module, transport: TransportKind.ipc, ...(runtime ? { runtime } : {}), options };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: ctx.output,
    initializationOptions: { settings: readSettings(), token: await ctx.token(), workspaceTrusted: vscode.workspace.isTrusted },
    synchronize: { configurationSection: 'prodlens' },
  };
  const client = new LanguageClient('prodlens', 'Prodlens', serverOptions, clientOptions);
  client.onNotification(lsp.status, (s) => ctx.statusBar.show(statusView(s)));
  ctx.client = client;
  try {
    await client.start();
  } catch (err) {
    ctx.client = undefined;
    return reportFailure(ctx, err instanceof Error ? err.message : String(err), false);
  }
}

export async function restartClient(ctx: Ctx): Promise<void> {
  const old = ctx.client;
  ctx.client = undefined;
  await old?.stop().catch((err: unknown) => ctx.output.warn(`stopping the language server: ${String(err)}`));
  await startClient(ctx);
}

function reportFailure(ctx: Ctx, reason: string, runtimeProblem: boolean): void {
  ctx.output.error(`Prodlens language server did not start: ${reason}`);
  ctx.statusBar.show(failedView(reason));
  const actions = runtimeProblem ? ['Open Settings', 'Show Output'] : ['Show Output'];
  void vscode.window.showErrorMessage(`Prodlens: ${reason}`, ...actions).then((pick) => {
    if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'prodlens.serverRuntime');
    else if (pick === 'Show Output') ctx.output.show();
  });
}
