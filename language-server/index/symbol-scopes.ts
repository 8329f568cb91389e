/**
 * The language-independent half of symbol extraction. Each language runs one tree-sitter query that
 * captures definitions (`@def.<kind>`) with their names (`@name`); this module turns those captures
 * into definitions nested by source range, so qualified names come from containment rather than
 * from walking parent pointers through the wasm boundary node by node.
 */
import { createHash } from 'node:crypto';
import type { Node, Query } from 'web-tree-sitter';
import type { SymbolKind } from './types';

/** `scope` definitions only contribute to names (object literals, TS namespaces, Go closures). */
export type DefKind = SymbolKind | 'scope';

/** One captured definition, as plain data. Indices are UTF-16 offsets into the source. */
export interface RawDef {
  kind: DefKind;
  /** The capture label after `def.` (`function`, `method`, `closure`…), for language rules. */
  label: string;
  /** The name as written, or '' when the definition is anonymous. */
  name: string;
  nameRow: number;
  start: number;
  end: number;
  endRow: number;
  /** The node captured as `@receiver` / `@extra`, kept as text for language rules. */
  extra: string;
  /** A `wrapped` definition's own function name when it has one (`traced(function priceCart…)`), else ''. */
  innerName: string;
}

/** A definition with the definitions that contain it, outermost first. */
export interface NestedDef {
  def: RawDef;
  scopes: RawDef[];
}

const KIND_BY_LABEL: ReadonlyMap<string, DefKind> = new Map<string, DefKind>([
  ['function', 'function'],
  ['method', 'method'],
  ['class', 'class'],
  ['arrow', 'arrow'],
  ['constructor', 'constructor'],
  ['scope', 'scope'],
  ['closure', 'scope'],
  ['expression', 'function'],
  ['inline', 'arrow'],
  // Replaced by the wrapped function's own kind (see `Unwrap`).
  ['wrapped', 'function'],
]);

/**
 * For `@def.wrapped` captures (a wrapper call such as `traced(async () => …)`): the function node the
 * call defines and that function's own name, or undefined when the call defines none.
 */
export type Unwrap = (call: Node) => { fn: Node; ownName: string } | undefined;

/**
 * Runs the query and returns one RawDef per definition node, sorted by start then by size (outer
 * first). When two patterns capture the same node (a Go closure both as a bare `func_literal` and
 * as the value of `f := func…`), the named capture wins.
 */
export function collectDefs(query: Query, root: Node, unwrap?: Unwrap): RawDef[] {
  const byRange = new Map<string, RawDef>();
  for (const match of query.matches(root)) {
    let def: Node | undefined;
    let label = '';
    let name: Node | undefined;
    let extra = '';
    let callee = '';
    let routePath = '';
    for (const capture of match.captures) {
      if (capture.name === 'name') name = capture.node;
      else if (capture.name === 'extra') extra = capture.node.text;
      else if (capture.name === 'callee') callee = capture.node.text;
      else if (capture.name === 'path') routePath = capture.node.text;
      else if (capture.name.startsWith('def.')) {
        def = capture.node;
        label = capture.name.slice(4);
      }
    }
    let kind = KIND_BY_LABEL.get(label);
    if (!def || !kind) continue;
    let innerName = '';
    if (label === 'wrapped') {
      const found = unwrap?.(def);
      if (!found) continue;
      def = found.fn;
      innerName = found.ownName;
      kind = def.type === 'arrow_function' ? 'arrow' : 'function';
    }
    const start = def.startIndex;
    const key = `${start}:${def.endIndex}`;
    const existing = byRange.get(key);
    const written = label === 'inline' ? registrationName(callee, routePath) : name ? name.text : '';
    if (existing && (existing.name !== '' || written === '')) continue;
    const anchor = name ?? def;
    byRange.set(key, {
      kind,
      label,
      name: written,
      nameRow: anchor.startPosition.row,
      start,
      end: def.endIndex,
      endRow: def.endPosition.row,
      extra,
      innerName,
    });
  }
  return [...byRange.values()].sort((a, b) => a.start - b.start || b.end - a.end);
}

/**
 * The name of a handler defined inline at a route registration: the registration as written,
 * without line breaks (`app.get('/orders/:id')`, `mux.HandleFunc("GET /orders/{id}")`).
 */
function registrationName(callee: string, routePath: string): string {
  return `${callee.replace(/\s+/g, '')}(${routePath})`;
}

/** Pairs each definition with its enclosing definitions, using a stack over the sorted ranges. */
export function nestDefs(defs: readonly RawDef[]): NestedDef[] {
  const stack: RawDef[] = [];
  const out: NestedDef[] = [];
  for (const def of defs) {
    // Sorted by start, so the top contains `def` exactly when it does not end before it.
    while (stack.length > 0 && stack[stack.length - 1]!.end < def.end) stack.pop();
    out.push({ def, scopes: stack.slice() });
    stack.push(def);
  }
  return out;
}

/**
 * A stable hash of a definition's text. Carriage returns and trailing blanks are ignored so a
 * checkout with other line endings does not look like a changed body.
 */
export function bodyHash(source: string, def: RawDef): string {
  const raw = source.slice(def.start, def.end);
  // Most bodies have neither; the replace is skipped for them (it is a measurable share of a cold index).
  const text = raw.includes('\r') || / \n|\t\n/.test(raw) ? raw.replace(/[ \t]*\r?\n/g, '\n') : raw;
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}

/**
 * Copies a string into fresh memory. Names sliced out of a file's text (and strings concatenated
 * from them) keep the whole file alive in V8; the index outlives the text, so it stores copies.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
