/**
 * Source maps of compiled JavaScript in the workspace (`dist/orders.js` + `dist/orders.js.map`, or
 * a `sourceMappingURL` comment, inline or relative), loaded on first use and kept in a small cache.
 * Production stack frames point at compiled files; this turns them back into sources.
 */
import { AnyMap, GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A position in a workspace source file. Lines are 0-based like everything in the index. */
export interface OriginalPosition {
  file: string;
  line: number;
  column: number;
  /** The original identifier at that position when the map records one. */
  name: string | null;
}

const MAX_CACHED_MAPS = 64;
const MAX_COMPILED_BYTES = 32 * 1024 * 1024;

export class SourceMapStore {
  private readonly mapFiles = new Set<string>();
  /** compiled file → its map (null: looked and found none). Insertion order is the LRU order. */
  private readonly cache = new Map<string, TraceMap | null>();

  /**
   * @param root absolute workspace folder
   * @param toWorkspaceFile turns a map's resolved source (absolute, or as the build machine saw
   *   it) into a workspace-relative source file, or undefined when it is not in the workspace
   */
  constructor(
    private readonly root: string,
    private readonly toWorkspaceFile: (source: string) => string | undefined,
  ) {}

  addMapFile(rel: string): void {
    this.mapFiles.add(rel);
    this.invalidate(rel.replace(/\.map$/, ''));
  }

  removeMapFile(rel: string): void {
    this.mapFiles.delete(rel);
    this.invalidate(rel.replace(/\.map$/, ''));
  }

  hasMapFile(rel: string): boolean {
    return this.mapFiles.has(rel);
  }

  /** Forgets what was loaded for a compiled file, after it or its map changed. */
  invalidate(compiled: string): void {
    this.cache.delete(compiled);
  }

  /** The workspace source files a compiled file was built from. */
  sourcesOf(compiled: string): string[] {
    const map = this.mapFor(compiled);
    if (!map) return [];
    const out = new Set<string>();
    for (const s of map.resolvedSources) {
      const file = s ? this.toWorkspaceFile(s) : undefined;
      if (file) out.add(file);
    }
    return [...out].sort();
  }

  /**
   * The source position of a 0-based line (and column) of a compiled file. Without a column, the
   * first mapped segment on the line is used, which is what a line-only frame means.
   */
  originalPosition(compiled: string, line: number, column?: number): OriginalPosition | undefined {
    const map = this.mapFor(compiled);
    if (!map) return undefined;
    const needle = { line: line + 1, column: column ?? 0 };
    let pos = originalPositionFor(map, { ...needle, bias: column === undefined ? LEAST_UPPER_BOUND : GREATEST_LOWER_BOUND });
    if (pos.source === null) pos = originalPositionFor(map, { ...needle, bias: column === undefined ? GREATEST_LOWER_BOUND : LEAST_UPPER_BOUND });
    if (pos.source === null) return undefined;
    const file = this.toWorkspaceFile(pos.source);
    if (!file) return undefined;
    return { file, line: pos.line - 1, column: pos.column, name: pos.name };
  }

  private mapFor(compiled: string): TraceMap | undefined {
    const cached = this.cache.get(compiled);
    if (cached !== undefined) {
      this.cache.delete(compiled);
      this.cache.set(compiled, cached);
      return cached ?? undefined;
    }
    const map = this.load(compiled);
    this.cache.set(compiled, map);
    if (this.cache.size > MAX_CACHED_MAPS) this.cache.delete(this.cache.keys().next().value!);
    return map ?? undefined;
  }

  private load(compiled: string): TraceMap | null {
    const sibling = `${compiled}.map`;
    if (this.mapFiles.has(sibling)) return this.parseMapFile(sibling);
    const text = readIfSmall(path.join(this.root, compiled));
    const url = text === undefined ? undefined : sourceMappingUrl(text);
    if (!url) return null;
    if (url.startsWith('data:')) return parseMap(decodeDataUrl(url), path.join(this.root, compiled));
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(compiled), decodeURIComponent(url)));
    return rel.startsWith('..') ? null : this.parseMapFile(rel);
  }

  private parseMapFile(rel: string): TraceMap | null {
    const abs = path.join(this.root, rel);
    const text = readIfSmall(abs);
    return text === undefined ? null : parseMap(text, abs);
  }
}

function readIfSmall(abs: string): string | undefined {
  try {
    if (fs.statSync(abs).size > MAX_COMPILED_BYTES) return undefined;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/** A map that does not parse is treated as absent: it is build output, not something to repair. */
function parseMap(json: string | undefined, mapUrl: string): TraceMap | null {
  if (json === undefined) return null;
  try {
    return new AnyMap(JSON.parse(json) as ConstructorParameters<typeof AnyMap>[0], mapUrl);
  } catch {
    return null;
  }
}

/** The last `//# sourceMappingURL=` comment (or the old `//@` form) of a compiled file. */
function sourceMappingUrl(text: string): string | undefined {
  const at = text.lastIndexOf('sourceMappingURL=');
  if (at < 0) return undefined;
  const m = /\/\/[#@]\s*$/.exec(text.slice(Math.max(0, at - 8), at));
  if (!m) return undefined;
  return /^\S+/.exec(text.slice(at + 'sourceMappingURL='.length))?.[0];
}

function decodeDataUrl(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}
