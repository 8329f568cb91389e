/**
 * Test support for the route extractor: parses a fixture workspace with the real grammars, keeps
 * each file's facts, and joins them — the same two phases the workspace index runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { getParser, languageForFile } from '../../language-server/index/parsers';
import { routeExtractor, type RouteFacts } from '../../language-server/index/routes';
import type { RouteDef } from '../../language-server/index/types';

export const WORKSPACES = path.resolve(__dirname, '../fixtures/workspaces');

function walk(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

export class RouteWorkspace {
  readonly facts = new Map<string, RouteFacts>();

  private constructor(readonly root: string) {}

  static async load(name: string): Promise<RouteWorkspace> {
    const ws = new RouteWorkspace(path.join(WORKSPACES, name));
    for (const file of walk(ws.root)) {
      if (languageForFile(file)) await ws.update(file, readFileSync(path.join(ws.root, file), 'utf8'));
    }
    return ws;
  }

  /** Re-reads one file from new text, as the index does when a file changes. */
  async update(file: string, source: string): Promise<void> {
    const language = languageForFile(file)!;
    const tree = (await getParser(language)).parse(source);
    if (!tree) throw new Error(`tree-sitter could not parse ${file}`);
    const facts = routeExtractor.factsFor(file, language, tree.rootNode, source);
    tree.delete();
    if (facts) this.facts.set(file, facts);
    else this.facts.delete(file);
  }

  source(file: string): string {
    return readFileSync(path.join(this.root, file), 'utf8');
  }

  routes(): RouteDef[] {
    return routeExtractor.join(this.facts, () => []);
  }

  /** The 0-based line of the first line containing `text` in a fixture file, so expectations name
   * the declaration they mean instead of a bare number. */
  lineOf(file: string, text: string): number {
    const line = this.source(file).split('\n').findIndex((l) => l.includes(text));
    if (line < 0) throw new Error(`"${text}" is not in ${file}`);
    return line;
  }
}

/** The fields a test compares, sorted so the order files were read in does not matter. */
export function summary(routes: readonly RouteDef[]): string[] {
  return routes
    .map((r) => `${r.method} ${r.route} -> ${r.handler ?? '(anonymous)'} @ ${r.handlerFile ?? '-'}:${r.handlerLine ?? '-'} [${r.framework}]`)
    .sort();
}

/** One expected route: method, route as telemetry names it, framework, handler name, and the
 * handler's file with a snippet of its declaration line (null for an anonymous inline handler,
 * whose line is the snippet's line in the registering file). */
export type Expected = [method: string, route: string, framework: string, handler: string | null, file: string, declaration: string];

export function expectedSummary(ws: RouteWorkspace, rows: readonly Expected[]): string[] {
  return rows
    .map(([method, route, framework, handler, file, declaration]) => {
      return `${method} ${route} -> ${handler ?? '(anonymous)'} @ ${file}:${ws.lineOf(file, declaration)} [${framework}]`;
    })
    .sort();
}
