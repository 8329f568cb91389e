import type { Connection, Disposable, Hover } from 'vscode-languageserver';
import { MarkupKind } from 'vscode-languageserver';
import type { EngineView } from '../engine-view';
import { hoverMarkdown } from './hover-markdown';

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onHover((params): Hover | null => {
    const e = engine();
    if (!e) return null;
    const file = e.relativePath(params.textDocument.uri);
    if (!file) return null;
    const symbol = e.enclosingSymbol(file, params.position.line);
    // Hover only on the declaration line, so ordinary hovers inside a body stay the language's own.
    if (!symbol || symbol.startLine !== params.position.line) return null;
    const detail = e.functionDetail(file, symbol.qualifiedName);
    if (!detail) return null;
    const { window, minSamples } = e.settings();
    return {
      contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(detail, { windowLabel: window, minSamples, nowMs: Date.now() }) },
      range: { start: { line: symbol.startLine, character: 0 }, end: { line: symbol.startLine, character: Number.MAX_SAFE_INTEGER >>> 1 } },
    };
  });
}
