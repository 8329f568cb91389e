/**
 * Loads tree-sitter (web-tree-sitter) and the official grammar `.wasm` files shipped by the grammar
 * packages. One parser per language, created on first use and kept for the process's life.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Language as TsLanguage, Parser } from 'web-tree-sitter';
import type { Language } from './types';

export type { Node, Tree } from 'web-tree-sitter';
export { Parser };

const GRAMMAR_WASM: Readonly<Record<Language, string>> = {
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
  java: 'tree-sitter-java/tree-sitter-java.wasm',
};

const EXTENSIONS: Readonly<Record<string, Language>> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
  '.go': 'go',
  '.java': 'java',
};

/** The language of a file by its extension, or undefined when the index does not parse it. */
export function languageForFile(file: string): Language | undefined {
  if (file.endsWith('.d.ts')) return undefined;
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

export class GrammarLoadError extends Error {
  override name = 'GrammarLoadError';
}

const requireHere = createRequire(__filename);
let initialised: Promise<void> | undefined;
const parsers = new Map<Language, Promise<Parser>>();

/** The parser for a language; grammars load once and are shared. */
export function getParser(language: Language): Promise<Parser> {
  let p = parsers.get(language);
  if (!p) {
    p = loadParser(language);
    parsers.set(language, p);
  }
  return p;
}

async function loadParser(language: Language): Promise<Parser> {
  initialised ??= Parser.init();
  await initialised;
  const wasm = GRAMMAR_WASM[language];
  let wasmPath: string;
  try {
    wasmPath = requireHere.resolve(wasm);
  } catch {
    throw new GrammarLoadError(`The ${language} grammar (${wasm}) is not installed; run "npm ci" in the Prodlens folder.`);
  }
  const grammar = await TsLanguage.load(wasmPath);
  const parser = new Parser();
  parser.setLanguage(grammar);
  return parser;
}
