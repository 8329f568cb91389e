/**
 * `prodlens/tool`: the VS Code language-model tools call the same tool definitions `prodlens mcp`
 * serves (language-server/tools), through the editor's running server and its store.
 */
import { ErrorCodes, ResponseError, type Connection, type Disposable } from 'vscode-languageserver';
import { z } from 'zod';
import * as lsp from '@protocol/lsp';
import { resultText, runTool, TOOL_NAMES, toolNamed, ToolInputError, type ToolEngine } from '../tools';
import { validated } from './validated';

const params = z.object({ name: z.enum(TOOL_NAMES as [string, ...string[]]), input: z.unknown() });

export function register(connection: Connection, engine: () => ToolEngine | undefined): Disposable {
  return connection.onRequest(lsp.tool, async (raw) => {
    const p = validated(params, raw, lsp.tool.method);
    const tool = toolNamed(p.name)!;
    const e = engine();
    if (!e) throw new ResponseError(ErrorCodes.ServerNotInitialized, `${lsp.tool.method}: the Prodlens engine has not started yet; try again in a moment.`);
    try {
      return { json: resultText(tool, await runTool(e, tool, p.input)) };
    } catch (err) {
      if (err instanceof ToolInputError) throw new ResponseError(ErrorCodes.InvalidParams, `${lsp.tool.method}: ${err.message}`);
      throw err;
    }
  });
}
