/** Extension entry (dist/extension.js). Thin: everything lives on the Ctx and in its modules. */
import * as vscode from 'vscode';
import { restartClient, startClient } from './client';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerLmTools } from './lm-tools';
import { StatusBar } from './status-bar';

// VS Code holds one extension instance per host; the context is kept here only so deactivate can
// reach it, never read by other modules.
let active: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Prodlens', { log: true });
  const ctx = new Ctx(context, output, new StatusBar());
  active = ctx;
  ctx.track(output);
  ctx.track(ctx.statusBar);
  registerCommands(ctx);
  registerLmTools(ctx);
  // The server reads most settings itself (workspace/configuration); these two change how it is
  // started or what it connects with, so they restart it.
  ctx.track(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('prodlens.serverRuntime') || e.affectsConfiguration('prodlens.collectorUrl')) void restartClient(ctx);
    }),
  );
  ctx.track(vscode.workspace.onDidGrantWorkspaceTrust(() => void restartClient(ctx)));
  await startClient(ctx);
}

export async function deactivate(): Promise<void> {
  await active?.dispose();
  active = undefined;
}
