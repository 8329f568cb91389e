/**
 * From a production location or a name to one workspace function. Paths are matched by the index
 * (longest path suffix); several matching files are never guessed between unless the reported line
 * and function name single one out. Reported lines are 1-based; the index's are 0-based.
 *
 * Reported lines come from the deployed revision. With `DeployedLines` they are moved onto the
 * workspace's current text first; a line the edit since removed is matched by name instead.
 */
import type { SymbolDef, WorkspaceIndexView } from '../index/types';
import type { FunctionRef, MappingIndex } from './types';

/** A production location as a signal reports it. Lines and columns are 1-based. */
export interface ProductionLocation {
  path: string;
  line: number | null;
  column?: number | null;
  /** For JVM frames: the class (`com.shop.OrderService$Item`), which names the folders. */
  javaClass?: string;
}

export type Located =
  | { kind: 'found'; fn: FunctionRef; detail: string; alternatives?: FunctionRef[] }
  | { kind: 'ambiguous'; alternatives: FunctionRef[]; detail: string }
  | { kind: 'file-not-in-workspace'; detail: string }
  | { kind: 'symbol-not-found'; detail: string };

/**
 * The 1-based line now, in a workspace file, of a 1-based line the deployed code reported; null when
 * the edit since removed or rewrote that line.
 */
export type DeployedLines = (file: string, line: number) => number | null;

const LAST_SEGMENT = /(?:\.|::|#|\/)([^.:#/]+)$/;
const COMPILED_JS = /\.[mc]?js$/;

export function toRef(symbol: SymbolDef): FunctionRef {
  return { file: symbol.file, qualifiedName: symbol.qualifiedName, line: symbol.startLine };
}

interface Candidates {
  files: string[];
  line: number | null;
  via: string;
  /**
   * Whether `line` is still the deployed code's. After a source map it is not: the map found in the
   * workspace was built from the workspace's sources, so it already answers with a workspace line.
   */
  deployed: boolean;
}

/**
 * Workspace candidates for a location, after source maps: compiled JavaScript positions are moved
 * to their original file and line when the index knows the map.
 */
function candidates(index: MappingIndex, loc: ProductionLocation): Candidates {
  if (loc.line !== null && index.originalPosition !== undefined && COMPILED_JS.test(loc.path)) {
    const col = loc.column === undefined || loc.column === null ? undefined : loc.column - 1;
    const pos = index.originalPosition(loc.path, loc.line - 1, col);
    if (pos !== undefined) return { files: [pos.file], line: pos.line + 1, via: ` (source map → ${pos.file}:${pos.line + 1})`, deployed: false };
  }
  if (loc.javaClass !== undefined) {
    const base = loc.path.slice(loc.path.lastIndexOf('/') + 1);
    const files = index.filesForJavaClass?.(loc.javaClass, base) ?? index.filesForPath(javaSourcePath(loc.path, loc.javaClass));
    return { files, line: loc.line, via: '', deployed: true };
  }
  return { files: index.filesForPath(loc.path), line: loc.line, via: '', deployed: true };
}

/** The function at a production (path, line), cross-checked against any names the signal gave. */
export function locateByPath(index: MappingIndex, loc: ProductionLocation, names: readonly string[], deployedLines?: DeployedLines): Located {
  const { files, line, via, deployed } = candidates(index, loc);
  const move = deployed ? deployedLines : undefined;
  const path = loc.path;
  const at = loc.line === null ? '' : `:${loc.line}`;
  if (files.length === 0) return { kind: 'file-not-in-workspace', detail: `${path} matches no workspace file` };
  if (files.length === 1) return inFile(index, files[0]!, line, names, `${path}${at} → ${files[0]}${via}`, move);

  const found = files.map((f) => inFile(index, f, line, names, f, move));
  const hits = found.filter((r): r is Extract<Located, { kind: 'found' }> => r.kind === 'found');
  const confirmed = names.length > 0 && line !== null ? hits.filter((h) => names.some((n) => sameLastSegment(h.fn.qualifiedName, n))) : [];
  if (confirmed.length === 1) {
    const only = confirmed[0]!;
    return { kind: 'found', fn: only.fn, detail: `${path}${at} matches ${files.length} files; only ${only.fn.file} has ${only.fn.qualifiedName} at that line` };
  }
  return { kind: 'ambiguous', alternatives: hits.map((h) => h.fn), detail: `${path} matches ${files.length} workspace files (${files.join(', ')})` };
}

function inFile(index: WorkspaceIndexView, file: string, reported: number | null, names: readonly string[], at: string, move?: DeployedLines): Located {
  const line = reported === null || move === undefined ? reported : move(file, reported);
  const where = reported === null || line === reported ? at : line === null ? `${at} (that line was edited since the deployed commit)` : `${at} (line ${line} now)`;
  const enclosing = line === null ? undefined : index.enclosingSymbol(file, line - 1);
  if (enclosing !== undefined) {
    const agrees = names.length === 0 || names.some((n) => sameLastSegment(enclosing.qualifiedName, n) || enclosing.name === lastSegment(n));
    const note = agrees ? '' : ` (reported as ${names[0]}; the line decides)`;
    return { kind: 'found', fn: toRef(enclosing), detail: `${where}, in ${enclosing.qualifiedName}${note}` };
  }
  const byName = names.length === 0 ? [] : symbolsMatching(index.symbolsIn(file), names);
  if (byName.length === 1) {
    const sym = byName[0]!;
    const why = line === null ? 'by name' : `by name (no function encloses line ${line})`;
    return { kind: 'found', fn: toRef(sym), detail: `${where}, ${sym.qualifiedName} ${why}` };
  }
  if (byName.length > 1) {
    return { kind: 'ambiguous', alternatives: byName.map(toRef), detail: `${where}: ${byName.length} functions named ${names[0]}` };
  }
  const what = line === null ? `no function named ${names[0] ?? '(none given)'}` : `no function at line ${line}`;
  return { kind: 'symbol-not-found', detail: `${where}: ${what}` };
}

/** Symbols of one file matching any of the names, most specific name first. */
function symbolsMatching(symbols: readonly SymbolDef[], names: readonly string[]): SymbolDef[] {
  for (const name of names) {
    const qualified = symbols.filter((s) => s.qualifiedName === name || s.qualifiedName.endsWith(`.${name}`) || name.endsWith(`.${s.qualifiedName}`));
    if (qualified.length > 0) return qualified;
  }
  for (const name of names) {
    const last = lastSegment(name);
    const bare = symbols.filter((s) => s.name === last && s.kind !== 'class');
    if (bare.length > 0) return bare;
  }
  return [];
}

/** A workspace function by name alone (`code.function.name` without a file, span names). */
export function locateByName(index: WorkspaceIndexView, names: readonly string[]): Located {
  for (const name of names) {
    const symbols = index.symbolsNamed(name);
    if (symbols.length === 0) continue;
    if (symbols.length === 1) {
      const sym = symbols[0]!;
      return { kind: 'found', fn: toRef(sym), detail: `${name} → ${sym.qualifiedName} in ${sym.file}` };
    }
    // An exact qualified name outranks names that merely end with it (`OrderService.place` over
    // `com.shop.OrderService.place`); the others stay visible as alternatives.
    const exact = symbols.filter((s) => s.qualifiedName === name);
    if (exact.length === 1) {
      const sym = exact[0]!;
      const others = symbols.filter((s) => s !== sym).map(toRef);
      return { kind: 'found', fn: toRef(sym), alternatives: others, detail: `${name} → ${sym.qualifiedName} in ${sym.file} (exact name; ${others.length} more end with it)` };
    }
    return { kind: 'ambiguous', alternatives: symbols.map(toRef), detail: `${symbols.length} workspace functions are named ${name}` };
  }
  return { kind: 'symbol-not-found', detail: `no workspace function is named ${names.join(' or ') || '(no usable name)'}` };
}

export function lastSegment(name: string): string {
  const m = LAST_SEGMENT.exec(name);
  return m === null ? name : m[1]!;
}

function sameLastSegment(a: string, b: string): boolean {
  return lastSegment(a) === lastSegment(b);
}

/** The class part of a JVM method name: `com.shop.OrderService$Item.lambda$run$0` → `com.shop.OrderService$Item`. */
export function javaClassOf(qualifiedMethod: string): string {
  const dot = qualifiedMethod.lastIndexOf('.');
  return dot < 0 ? qualifiedMethod : qualifiedMethod.slice(0, dot);
}

/**
 * Java frames name only the source file (`OrderService.java`); the class's package gives the
 * directories (`com.shop.OrderService$Item` → `com/shop/OrderService.java`).
 */
export function javaSourcePath(file: string, className: string): string {
  if (file.includes('/')) return file;
  // Drop the class; what remains are package segments.
  const pkg = className.split('.').slice(0, -1);
  return pkg.length === 0 ? file : `${pkg.join('/')}/${file}`;
}
