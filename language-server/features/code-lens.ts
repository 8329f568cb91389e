import type { CodeLens, Connection, Disposable } from 'vscode-languageserver';
import { deployLensNotes } from '../deploys/lens-note';
import type { EngineView } from '../engine-view';
import { lensTitle } from './format';

/** The client command a lens runs: it opens the function's detail (VS Code: a panel). */
export const SHOW_FUNCTION_COMMAND = 'prodlens.showFunction';

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const e = engine();
    if (!e) return [];
    const file = e.relativePath(params.textDocument.uri);
    if (!file) return [];
    const stats = e.functionStats(file);
    if (stats.size === 0) return [];
    const { lensFormat, minSamples } = e.settings();
    const deployNotes = deployLensNotes(await e.latestDeployDiff(), file);
    const lenses: CodeLens[] = [];
    for (const symbol of e.symbolsIn(file)) {
      const s = stats.get(symbol.qualifiedName);
      if (!s) continue;
      const line = symbol.startLine;
      lenses.push({
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        command: {
          title: withNote(lensTitle(s, { format: lensFormat, minSamples }), deployNotes.get(symbol.qualifiedName)),
          command: SHOW_FUNCTION_COMMAND,
          arguments: [{ uri: params.textDocument.uri, symbol: symbol.qualifiedName }],
        },
      });
    }
    return lenses;
  });
}

function withNote(title: string, note: string | undefined): string {
  return note ? `${title} · ${note}` : title;
}
