/**
 * Parses a file once and hands the tree to the language's symbol module and to the route
 * extractor, then frees the tree: the index keeps plain data only.
 */
import { Query, type Node } from 'web-tree-sitter';
import type { ExtractContext, ExtractedSymbol } from './extracted-symbol';
import { getParser } from './parsers';
import { extractGoSymbols, GO_QUERY } from './symbols-go';
import { extractJavaSymbols, JAVA_QUERY } from './symbols-java';
import { extractPythonSymbols, PYTHON_QUERY } from './symbols-python';
import { extractTsSymbols, tsQuerySource } from './symbols-ts';
import type { Language } from './types';

type Extract = (query: Query, root: Node, source: string, ctx: ExtractContext) => ExtractedSymbol[];

const MODULES: Readonly<Record<Language, { query: string; extract: Extract }>> = {
  typescript: { query: tsQuerySource('typescript'), extract: extractTsSymbols },
  tsx: { query: tsQuerySource('typescript'), extract: extractTsSymbols },
  javascript: { query: tsQuerySource('javascript'), extract: extractTsSymbols },
  python: { query: PYTHON_QUERY, extract: extractPythonSymbols },
  go: { query: GO_QUERY, extract: extractGoSymbols },
  java: { query: JAVA_QUERY, extract: extractJavaSymbols },
};

export class ParseFailedError extends Error {
  override name = 'ParseFailedError';
}

/** Runs with the tree while it is alive; whatever it returns must not hold on to tree nodes. */
export type TreeVisitor<T> = (root: Node) => T;

export class SymbolExtractor {
  private readonly queries = new Map<Language, Query>();

  /** Parses `source`, extracts its symbols and runs `visit` on the same tree before freeing it. */
  async extract<T>(source: string, ctx: ExtractContext, visit?: TreeVisitor<T>): Promise<{ symbols: ExtractedSymbol[]; visited: T | undefined }> {
    const parser = await getParser(ctx.language);
    const query = this.queryFor(ctx.language, parser);
    const tree = parser.parse(source);
    if (!tree) throw new ParseFailedError(`tree-sitter returned no tree for ${ctx.file}; re-open the file to index it again.`);
    try {
      const symbols = MODULES[ctx.language].extract(query, tree.rootNode, source, ctx);
      const visited = visit ? visit(tree.rootNode) : undefined;
      return { symbols, visited };
    } finally {
      tree.delete();
    }
  }

  /** Loads the language's grammar and compiles its query ahead of the first file. */
  async prepare(language: Language): Promise<void> {
    this.queryFor(language, await getParser(language));
  }

  /** Frees the compiled queries; the extractor is unusable afterwards. */
  dispose(): void {
    for (const q of this.queries.values()) q.delete();
    this.queries.clear();
  }

  private queryFor(language: Language, parser: Awaited<ReturnType<typeof getParser>>): Query {
    let query = this.queries.get(language);
    if (!query) {
      query = new Query(parser.language!, MODULES[language].query);
      this.queries.set(language, query);
    }
    return query;
  }
}
