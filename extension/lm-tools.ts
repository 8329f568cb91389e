/**
 * The assistant tools as VS Code language-model tools, so chat in the editor can ask production.
 * package.json `contributes.languageModelTools` declares them (names `prodlens_<tool>`, generated
 * from the tool definitions; a unit test keeps the two equal); each call becomes one `prodlens/tool`
 * request to the running language server, which validates the input and runs the tool.
 */
import * as vscode from 'vscode';
import * as lsp from '@protocol/lsp';
import type { Ctx } from './ctx';

// `vscode.lm.registerTool` is stable since VS Code 1.95, after the 1.90 this extension supports and
// whose @types/vscode it builds against, so the few shapes used here are declared locally and the
// API is looked up at run time: older editors (and forks without it) simply get no tools.
interface ToolInvocation {
  input: unknown;
}
interface LanguageModelTool {
  invoke(options: ToolInvocation, token: vscode.CancellationToken): Promise<unknown>;
  prepareInvocation(options: ToolInvocation, token: vscode.CancellationToken): { invocationMessage: string };
}
interface LmToolsApi {
  lm?: { registerTool?: (name: string, tool: LanguageModelTool) => vscode.Disposable };
  LanguageModelToolResult?: new (content: unknown[]) => unknown;
  LanguageModelTextPart?: new (value: string) => unknown;
}

interface DeclaredTool {
  name: string;
  displayName: string;
}

export const TOOL_PREFIX = 'prodlens_';

/** Registers every declared tool; logs one line and does nothing where the editor lacks the API. */
export function registerLmTools(ctx: Ctx, api: LmToolsApi = vscode as unknown as LmToolsApi): void {
  const { lm, LanguageModelToolResult: Result, LanguageModelTextPart: TextPart } = api;
  if (!lm?.registerTool || !Result || !TextPart) {
    ctx.output.info('this editor has no language-model tools API (VS Code 1.95+); Prodlens chat tools are not registered');
    return;
  }
  const declared = ((ctx.extension.extension.packageJSON as { contributes?: { languageModelTools?: DeclaredTool[] } }).contributes?.languageModelTools ?? []);
  for (const { name, displayName } of declared) {
    ctx.track(
      lm.registerTool(name, {
        prepareInvocation: () => ({ invocationMessage: `Prodlens: ${displayName.toLowerCase()}…` }),
        invoke: async ({ input }, token) => {
          const client = ctx.client;
          // The message goes to the model, which can tell the user what to do.
          if (!client?.isRunning()) throw new Error('The Prodlens language server is not running; see the Prodlens output channel for why.');
          const { json } = await client.sendRequest(lsp.tool, { name: name.slice(TOOL_PREFIX.length), input }, token);
          return new Result([new TextPart(json)]);
        },
      }),
    );
  }
  ctx.output.info(`registered ${declared.length} language-model tools for chat`);
}
