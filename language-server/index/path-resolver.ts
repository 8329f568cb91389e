/**
 * Production paths → workspace files, for the index: user mappings, Go module paths, longest path
 * suffix over source files, and compiled output resolved through source maps. It knows which
 * files exist (sources, compiled output, maps, go.mod modules), never what is in them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyPathMappings,
  goModuleCandidates,
  isLibraryPath,
  javaSourcePath,
  normalizeProductionPath,
  parseGoModule,
  PathMatcher,
  type GoModule,
  type PathMapping,
  type SuffixMatch,
} from './path-matcher';
import { SourceMapStore, type OriginalPosition } from './source-maps';

const JS_FILE = /\.[mc]?js$/;

export class PathResolver {
  /** Parsed source files. */
  readonly sources = new PathMatcher();
  /** JavaScript in output folders (`dist/`), matched for its source maps only. */
  readonly compiled = new PathMatcher();
  private readonly maps: SourceMapStore;
  private readonly goModules = new Map<string, GoModule>();

  constructor(
    readonly root: string,
    private readonly mappings: readonly PathMapping[],
  ) {
    this.maps = new SourceMapStore(root, (source) => this.sourceToWorkspaceFile(source));
  }

  /** Workspace-relative forward-slash path for an absolute path, file URI or relative path. */
  toRelative(file: string): string | undefined {
    let p = file.startsWith('file://') ? decodeURIComponent(file.replace(/^file:\/\//, '')) : file;
    if (path.isAbsolute(p)) {
      p = path.relative(this.root, p);
      if (p.startsWith('..') || path.isAbsolute(p)) return undefined;
    }
    p = p.replace(/\\/g, '/').replace(/^\.\//, '');
    return p === '' ? undefined : p;
  }

  /** Tracks a compiled file that appeared, changed or went; its map is reloaded on next use. */
  updateCompiled(rel: string): void {
    if (fs.existsSync(path.join(this.root, rel))) this.compiled.add(rel);
    else this.compiled.remove(rel);
    this.maps.invalidate(rel);
  }

  /** go.mod and source map files: tracked, not parsed. Returns true when `rel` was one. */
  updateSupportFile(rel: string, removed = false): boolean {
    if (rel.endsWith('.map')) {
      if (!removed && fs.existsSync(path.join(this.root, rel))) this.maps.addMapFile(rel);
      else this.maps.removeMapFile(rel);
      return true;
    }
    if (path.posix.basename(rel) === 'go.mod') {
      if (removed) this.goModules.delete(rel);
      else this.readGoMod(rel);
      return true;
    }
    return false;
  }

  forget(rel: string): void {
    this.sources.remove(rel);
    this.compiled.remove(rel);
    this.maps.invalidate(rel);
  }

  filesForPath(productionPath: string): string[] {
    const normalized = this.mapped(productionPath);
    if (typeof normalized !== 'string') return this.throughSourceMaps([normalized.file]);
    for (const candidate of goModuleCandidates(normalized, [...this.goModules.values()])) {
      if (this.sources.has(candidate)) return [candidate];
    }
    if (isLibraryPath(normalized)) return [];
    const source = this.sources.longestSuffix(normalized);
    const output = this.compiled.longestSuffix(normalized);
    if (output.segments > source.segments) {
      const fromMaps = this.throughSourceMaps(output.files);
      if (fromMaps.length > 0) return fromMaps;
    }
    return this.throughSourceMaps(source.files);
  }

  /** `declares(file)` tells whether a file declares the class, for folders that ignore packages. */
  filesForJavaClass(className: string, fileName: string | undefined, declares: (file: string) => boolean): string[] {
    const wanted = javaSourcePath(className, fileName);
    const match = this.sources.longestSuffix(wanted);
    if (match.segments === wanted.split('/').length) return match.files;
    return this.sources.longestSuffix(path.posix.basename(wanted)).files.filter(declares);
  }

  originalPosition(file: string, line: number, column?: number): OriginalPosition | undefined {
    const rel = this.toRelative(file);
    if (rel !== undefined && (this.compiled.has(rel) || this.sources.has(rel))) return this.maps.originalPosition(rel, line, column);
    const normalized = this.mapped(file);
    if (typeof normalized !== 'string') return this.maps.originalPosition(normalized.file, line, column);
    if (isLibraryPath(normalized)) return undefined;
    const output = this.compiled.longestSuffix(normalized);
    const source = this.sources.longestSuffix(normalized);
    const best: SuffixMatch = output.segments >= source.segments ? output : source;
    const only = best.files.length === 1 ? best.files[0] : undefined;
    return only === undefined ? undefined : this.maps.originalPosition(only, line, column);
  }

  /** The normalised path after user mappings, or the workspace file a mapping led to exactly. */
  private mapped(productionPath: string): string | { file: string } {
    const normalized = normalizeProductionPath(productionPath);
    const mapped = applyPathMappings(normalized, this.mappings);
    if (mapped === undefined) return normalized;
    if (this.sources.has(mapped) || this.compiled.has(mapped)) return { file: mapped };
    return `/${mapped}`;
  }

  /** Compiled files with a source map stand for their sources; a compiled file without one for nothing. */
  private throughSourceMaps(files: readonly string[]): string[] {
    const out = new Set<string>();
    for (const file of files) {
      const isCompiled = this.compiled.has(file);
      const maybeMapped = isCompiled || (JS_FILE.test(file) && this.maps.hasMapFile(`${file}.map`));
      const sources = maybeMapped ? this.maps.sourcesOf(file) : [];
      if (sources.length > 0) sources.forEach((s) => out.add(s));
      else if (!isCompiled) out.add(file);
    }
    return [...out].sort();
  }

  /** A map's resolved source → workspace file: inside the root by relative path, else by suffix. */
  private sourceToWorkspaceFile(source: string): string | undefined {
    const rel = this.toRelative(source);
    if (rel !== undefined && this.sources.has(rel)) return rel;
    const match = this.sources.longestSuffix(normalizeProductionPath(source));
    return match.files.length === 1 && match.segments > 0 ? match.files[0] : undefined;
  }

  private readGoMod(rel: string): void {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.root, rel), 'utf8');
    } catch {
      this.goModules.delete(rel);
      return;
    }
    const module = parseGoModule(text);
    const dir = path.posix.dirname(rel);
    if (module) this.goModules.set(rel, { module, dir: dir === '.' ? '' : dir });
    else this.goModules.delete(rel);
  }
}
