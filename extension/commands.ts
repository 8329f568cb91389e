/** Handlers for the command table in command-table.ts (ids and titles live there and in package.json). */
import * as vscode from 'vscode';
import * as lsp from '@protocol/lsp';
import { restartClient } from './client';
import { COMMANDS, type CommandId } from './command-table';
import { TOKEN_SECRET, type Ctx } from './ctx';
import { startLocalCollector } from './local-collector';
import { showDeployPanel } from './panels/deploy-panel';
import { showFunctionPanel } from './panels/function-panel';
import { showTracePanel } from './panels/trace-panel';
import { unmappedItem } from './unmapped-text';

type Handler = (ctx: Ctx, ...args: unknown[]) => unknown;

const TRACE_ID = /^[0-9a-f]{32}$/;

async function connect(ctx: Ctx): Promise<void> {
  const current = vscode.workspace.getConfiguration('prodlens').get<string>('collectorUrl', '');
  const url = await vscode.window.showInputBox({
    title: 'Prodlens: collector URL',
    value: current || 'http://127.0.0.1:4318',
    validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : 'An http:// or https:// URL, e.g. http://127.0.0.1:4318'),
  });
  if (url === undefined) return;
  // Restricted mode ignores prodlens.collectorUrl from workspace settings (package.json
  // restrictedConfigurations), so an untrusted workspace keeps the URL in user settings.
  const target = vscode.workspace.isTrusted ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('prodlens').update('collectorUrl', url.trim(), target);
  ctx.output.info(`collector URL set to ${url.trim()}`);
}

async function setToken(ctx: Ctx): Promise<void> {
  const token = await vscode.window.showInputBox({ title: 'Prodlens: collector token', password: true, prompt: 'Stored in VS Code secret storage, never in settings. Empty removes it.' });
  if (token === undefined) return;
  if (token) await ctx.extension.secrets.store(TOKEN_SECRET, token);
  else await ctx.extension.secrets.delete(TOKEN_SECRET);
  await restartClient(ctx);
}

async function localCollector(ctx: Ctx): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Prodlens: a local collector runs a process, which restricted mode does not allow. Trust the workspace first.');
    return;
  }
  if (ctx.localCollector) {
    void vscode.window.showInformationMessage(`Prodlens: the local collector is already running at ${ctx.localCollector.httpUrl}.`);
    return;
  }
  const storage = vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'collector');
  await vscode.workspace.fs.createDirectory(storage);
  try {
    const c = await startLocalCollector({ cli: vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'cli.js').fsPath, dataDir: storage.fsPath, log: (l) => ctx.output.info(l) });
    ctx.localCollector = c;
    await ctx.extension.secrets.store(TOKEN_SECRET, c.token);
    // Setting the URL restarts the client through the configuration listener in main.ts.
    await vscode.workspace.getConfiguration('prodlens').update('collectorUrl', c.httpUrl, vscode.ConfigurationTarget.Workspace);
    void vscode.window.showInformationMessage(`Prodlens: local collector listening on ${c.httpUrl} (OTLP/gRPC ${c.grpcAddress}). Point your services' OTLP exporter there.`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.output.error(`local collector: ${message}`);
    void vscode.window.showErrorMessage(`Prodlens: ${message}`);
  }
}

async function openTrace(ctx: Ctx, arg?: unknown): Promise<void> {
  const traceId =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({ title: 'Prodlens: trace id', validateInput: (v) => (TRACE_ID.test(v.trim()) ? undefined : '32 lowercase hex digits') });
  if (!traceId) return;
  if (!TRACE_ID.test(traceId.trim())) return void vscode.window.showErrorMessage(`Prodlens: "${traceId}" is not a trace id (32 lowercase hex digits).`);
  showTracePanel(ctx, traceId.trim());
}

async function showUnmapped(ctx: Ctx): Promise<void> {
  const client = ctx.requireClient();
  if (!client) return;
  const rows = await client.sendRequest(lsp.unmapped);
  if (rows.length === 0) return void vscode.window.showInformationMessage('Prodlens: every span in the window maps to a function.');
  await vscode.window.showQuickPick(
    rows.map(unmappedItem),
    { title: 'Prodlens: unmapped telemetry', matchOnDescription: true },
  );
}

function showFunction(ctx: Ctx, arg?: unknown): void {
  const a = arg as Partial<lsp.FunctionDetailParams> | undefined;
  if (!a || typeof a.uri !== 'string' || typeof a.symbol !== 'string') return void vscode.window.showErrorMessage('Prodlens: Show Function Details is run from a code lens.');
  showFunctionPanel(ctx, { uri: a.uri, symbol: a.symbol });
}

const HANDLERS: Record<CommandId, Handler> = {
  'prodlens.connect': connect,
  'prodlens.setToken': setToken,
  'prodlens.startLocalCollector': localCollector,
  'prodlens.showDeployDiff': showDeployPanel,
  'prodlens.openTrace': openTrace,
  'prodlens.showUnmapped': showUnmapped,
  'prodlens.refresh': async (ctx) => {
    await ctx.requireClient()?.sendRequest(lsp.refresh);
  },
  'prodlens.showFunction': showFunction,
  'prodlens.showOutput': (ctx) => ctx.output.show(),
};

export function registerCommands(ctx: Ctx): void {
  for (const { id } of COMMANDS) {
    ctx.track(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await HANDLERS[id](ctx, ...args);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          ctx.output.error(`${id}: ${message}`);
          void vscode.window.showErrorMessage(`Prodlens: ${message}`);
        }
      }),
    );
  }
}
