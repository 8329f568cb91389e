/**
 * Symbols of Python files, named `module.path.Class.method` the way OpenTelemetry's Python
 * instrumentation reports `code.namespace` + `code.function`. Nested functions are named
 * `module.outer.inner` (Python's own `__qualname__` adds `<locals>`; `symbolsNamed` accepts both).
 */
import type { Node, Query } from 'web-tree-sitter';
import type { ExtractContext, ExtractedSymbol } from './extracted-symbol';
import { bodyHash, collectDefs, detach, nestDefs } from './symbol-scopes';
import type { SymbolKind } from './types';

export const PYTHON_QUERY = `
(function_definition name: (identifier) @name) @def.function
(class_definition name: (identifier) @name) @def.class
(assignment left: (identifier) @name right: (lambda) @def.arrow)
`;

export function extractPythonSymbols(query: Query, root: Node, source: string, ctx: ExtractContext): ExtractedSymbol[] {
  const out: ExtractedSymbol[] = [];
  for (const { def, scopes } of nestDefs(collectDefs(query, root))) {
    const parent = scopes[scopes.length - 1];
    let kind: SymbolKind = def.kind === 'scope' ? 'function' : def.kind;
    if (kind === 'function' && parent?.kind === 'class') kind = def.name === '__init__' ? 'constructor' : 'method';
    const path = [...scopes.map((s) => s.name), def.name];
    const qualifiedName = ctx.pythonModule ? `${ctx.pythonModule}.${path.join('.')}` : path.join('.');
    out.push({
      symbol: {
        file: ctx.file,
        language: ctx.language,
        kind,
        name: detach(def.name),
        qualifiedName: detach(qualifiedName),
        startLine: def.nameRow,
        endLine: def.endRow,
        bodyHash: bodyHash(source, def),
      },
      aliases: [],
    });
  }
  return out;
}
