/**
 * The symbols of every indexed file, with the lookups mapping needs: the innermost symbol at a
 * line, and symbols by name in any spelling telemetry uses (qualified, Go frame, JVM binary name,
 * or a suffix of those starting at a `.`, `::`, `)` or `$`).
 */
import type { ExtractedSymbol } from './extracted-symbol';
import type { SymbolDef } from './types';

interface Entry {
  symbol: SymbolDef;
  /** The qualified name and the aliases. */
  keys: readonly string[];
}

export class SymbolTable {
  private readonly byFile = new Map<string, { symbols: readonly SymbolDef[]; entries: Entry[] }>();
  /** Entries by the last segment of any of their keys (`Place`, `place_order`, `<init>`). */
  private readonly byLastSegment = new Map<string, Set<Entry>>();

  /** Replaces everything known about a file. */
  set(file: string, extracted: readonly ExtractedSymbol[]): void {
    this.delete(file);
    const entries = extracted.map((e) => ({ symbol: e.symbol, keys: [e.symbol.qualifiedName, ...e.aliases] }));
    const symbols = Object.freeze(entries.map((e) => e.symbol).sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine));
    this.byFile.set(file, { symbols, entries });
    for (const entry of entries) {
      for (const segment of new Set(entry.keys.map(lastSegment))) {
        let set = this.byLastSegment.get(segment);
        if (!set) {
          set = new Set();
          this.byLastSegment.set(segment, set);
        }
        set.add(entry);
      }
    }
  }

  delete(file: string): void {
    const old = this.byFile.get(file);
    if (!old) return;
    this.byFile.delete(file);
    for (const entry of old.entries) {
      for (const segment of new Set(entry.keys.map(lastSegment))) {
        const set = this.byLastSegment.get(segment);
        set?.delete(entry);
        if (set && set.size === 0) this.byLastSegment.delete(segment);
      }
    }
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  files(): IterableIterator<string> {
    return this.byFile.keys();
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  symbolsIn(file: string): readonly SymbolDef[] {
    return this.byFile.get(file)?.symbols ?? [];
  }

  /**
   * The innermost function-like symbol containing the 0-based line. Classes are not function-like:
   * a line in a class body outside its methods (a field initialiser) has no enclosing symbol.
   */
  enclosingSymbol(file: string, line: number): SymbolDef | undefined {
    let best: SymbolDef | undefined;
    for (const s of this.symbolsIn(file)) {
      if (s.startLine > line) break;
      if (s.endLine < line || s.kind === 'class') continue;
      if (!best || s.endLine - s.startLine <= best.endLine - best.startLine) best = s;
    }
    return best;
  }

  symbolsNamed(name: string): SymbolDef[] {
    const query = normalizeSymbolQuery(name);
    if (query === '') return [];
    const entries = this.byLastSegment.get(lastSegment(query));
    if (!entries) return [];
    const out: SymbolDef[] = [];
    for (const entry of entries) {
      if (entry.keys.some((k) => keyMatches(k, query))) out.push(entry.symbol);
    }
    return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.startLine - b.startLine));
  }
}

const BOUNDARY = /[.:)$]/;

function lastSegment(key: string): string {
  for (let i = key.length - 1; i >= 0; i--) {
    if (BOUNDARY.test(key[i]!)) return key.slice(i + 1);
  }
  return key;
}

function keyMatches(key: string, query: string): boolean {
  if (key === query) return true;
  if (!key.endsWith(query) || key.length === query.length) return false;
  const before = key[key.length - query.length - 1]!;
  return BOUNDARY.test(before);
}

/**
 * Telemetry spellings → index spellings: a Go frame's import path is cut to its last element
 * (`github.com/acme/shop/orders.(*S).Place` → `orders.(*S).Place`), Python's `<locals>` is
 * dropped, and `Class#method` / `Class::method` read as `Class.method`.
 */
export function normalizeSymbolQuery(name: string): string {
  let q = name.trim();
  const slash = q.lastIndexOf('/');
  if (slash >= 0) q = q.slice(slash + 1);
  return q.replace(/\.<locals>/g, '').replace(/#/g, '.').replace(/::/g, '.');
}
