/**
 * One file's parse, as plain data: its symbols and its route facts. The same function runs in the
 * index's own thread (one-file updates) and in the parse workers (cold index), so both produce
 * exactly the same tables.
 */
import type { Node } from 'web-tree-sitter';
import type { ExtractedSymbol } from './extracted-symbol';
import type { SymbolExtractor } from './symbol-extractor';
import type { Language } from './types';

export interface ParseRequest {
  file: string;
  language: Language;
  /** Python only: the dotted module path, which needs every path of the workspace to decide. */
  pythonModule: string;
  source: string;
}

export type ParseResult =
  | {
      ok: true;
      symbols: ExtractedSymbol[];
      /** JSON-able route facts, null when the file has none or the route reader failed. */
      facts: unknown;
      /** The route reader's error on this file; its symbols still count. */
      routeError: string | null;
    }
  | { ok: false; error: string };

export type FactsReader = (file: string, language: Language, root: Node, source: string) => unknown;

export async function parseFile(extractor: SymbolExtractor, req: ParseRequest, readFacts: FactsReader | null): Promise<ParseResult> {
  let routeError: string | null = null;
  const visit = (root: Node): unknown => {
    if (!readFacts) return null;
    try {
      return readFacts(req.file, req.language, root, req.source);
    } catch (err) {
      // A route rule that fails on one file costs that file its routes, never its symbols.
      routeError = err instanceof Error ? err.message : String(err);
      return null;
    }
  };
  try {
    const { symbols, visited } = await extractor.extract(req.source, { file: req.file, language: req.language, pythonModule: req.pythonModule }, visit);
    return { ok: true, symbols, facts: visited ?? null, routeError };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
