/**
 * The workspace index: every function-like symbol of the workspace's TypeScript, JavaScript,
 * Python, Go and Java files, route registrations through a pluggable extractor, and the path
 * mapping from production paths to workspace files. Built once from disk, then kept current one
 * file at a time; it holds plain data only, never parse trees.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFile, type ParseRequest, type ParseResult } from './parse-file';
import { defaultWorkerScript, ParsePool } from './parse-pool';
import { languageForFile } from './parsers';
import type { PathMapping } from './path-matcher';
import { PathResolver } from './path-resolver';
import { pythonModulePath } from './python-module';
import { RouteTable } from './route-table';
import { standardFactsFor } from './routes';
import type { OriginalPosition } from './source-maps';
import { SymbolExtractor } from './symbol-extractor';
import { SymbolTable } from './symbol-table';
import type { RouteDef, RouteExtractor, SymbolDef, WorkspaceIndexView } from './types';
import { DEFAULT_MAX_FILE_BYTES, PathFilter, walkWorkspace } from './workspace-walk';

export type { PathMapping } from './path-matcher';
export type { OriginalPosition } from './source-maps';

export interface WorkspaceIndexOptions {
  /** Globs over workspace-relative paths, or folder/file names, left out of the index. */
  exclude?: string[];
  routeExtractor?: RouteExtractor;
  /** Prefix rewrites from production paths to workspace paths, tried before suffix matching. */
  pathMappings?: PathMapping[];
  /** Files larger than this are not parsed (generated code, bundles). Default 1 MiB. */
  maxFileBytes?: number;
  /**
   * Worker threads that parse the files of a cold build (default 2; 0 parses in this thread). Used
   * when the bundled worker script exists (`defaultWorkerScript`) and the route extractor is the
   * standard one or none; one-file updates always parse in this thread.
   */
  parseWorkers?: number;
  workerScript?: string;
}

/** Why a file that looks like source has no symbols. */
export type SkipReason = 'too-large' | 'minified' | 'unreadable';

/**
 * Bundled or minified code (a vendored `*.min.js`, a checked-in bundle) is not the user's to read
 * function by function, and its few enormous lines cost the parser most: a file whose lines average
 * over 500 characters is skipped.
 */
function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  let newlines = 0;
  for (let i = text.indexOf('\n'); i >= 0 && newlines * 500 < text.length; i = text.indexOf('\n', i + 1)) newlines++;
  return newlines * 500 < text.length;
}

/** How long the build works before yielding to the event loop, so a server stays responsive. */
const YIELD_EVERY_MS = 40;
/** Two workers use both cores of a small machine; the index thread itself mostly waits. */
const DEFAULT_PARSE_WORKERS = 2;
/** Enough files queued that no worker waits for the next one, few enough to bound memory. */
const MAX_IN_FLIGHT = 32;

export class WorkspaceIndex implements WorkspaceIndexView {
  readonly root: string;
  private readonly symbols = new SymbolTable();
  private readonly paths: PathResolver;
  private readonly routeFacts = new Map<string, unknown>();
  private readonly skipped = new Map<string, SkipReason>();
  private readonly routeFailures = new Map<string, string>();
  /** Files that joined routes point into (their handlers); line moves there need a new join. */
  private routeHandlerFiles = new Set<string>();
  private readonly extractor = new SymbolExtractor();
  private readonly filter: PathFilter;
  private readonly maxFileBytes: number;
  private readonly routeExtractor: RouteExtractor | undefined;
  private routes = RouteTable.empty();

  private constructor(root: string, options: WorkspaceIndexOptions) {
    this.root = root;
    this.filter = new PathFilter(options.exclude);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.routeExtractor = options.routeExtractor;
    this.paths = new PathResolver(root, options.pathMappings ?? []);
  }

  /** Indexes every source file under `root`. */
  static async build(root: string, options: WorkspaceIndexOptions = {}): Promise<WorkspaceIndex> {
    const index = new WorkspaceIndex(path.resolve(root), options);
    const walk = walkWorkspace(index.root, { exclude: options.exclude, maxFileBytes: index.maxFileBytes });
    for (const file of [...walk.goMods, ...walk.sourceMaps]) index.paths.updateSupportFile(file);
    for (const file of walk.compiled) index.paths.compiled.add(file);
    for (const file of walk.tooLarge) index.skipped.set(file, 'too-large');
    // Every source path is known before parsing so Python module paths see all `__init__.py` files.
    for (const file of walk.sources) index.paths.sources.add(file);
    const pool = index.startPool(options);
    try {
      if (pool) {
        // The workers parse the cold build; this thread's parsers serve later one-file updates, so
        // they load meanwhile rather than on the user's first keystroke.
        const languages = new Set(walk.sources.map((f) => languageForFile(f)).filter((l) => l !== undefined));
        const warm = Promise.all([...languages].map((l) => index.extractor.prepare(l).catch(() => undefined)));
        await index.parseInPool(walk.sources, pool);
        await warm;
      } else await index.parseHere(walk.sources);
    } finally {
      await pool?.close();
    }
    index.joinRoutes();
    return index;
  }

  private startPool(options: WorkspaceIndexOptions): ParsePool | undefined {
    const size = options.parseWorkers ?? DEFAULT_PARSE_WORKERS;
    const script = options.workerScript ?? defaultWorkerScript();
    const standardRoutes = this.routeExtractor === undefined || this.routeExtractor.factsFor === standardFactsFor;
    if (size <= 0 || script === undefined || !standardRoutes) return undefined;
    return new ParsePool(script, size, this.routeExtractor !== undefined);
  }

  private async parseHere(files: readonly string[]): Promise<void> {
    let slice = performance.now();
    for (const file of files) {
      const text = this.readSource(file);
      if (text !== undefined) await this.indexText(file, text);
      if (performance.now() - slice > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
  }

  /**
   * Keeps the workers busy with a bounded number of files in flight. Results arrive as messages,
   * so the event loop runs between them and the server answers requests while the index builds.
   */
  private async parseInPool(files: readonly string[], pool: ParsePool): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    for (const file of files) {
      const text = this.readSource(file);
      const req = text === undefined ? undefined : this.parseRequest(file, text);
      if (!req) continue;
      const done: Promise<void> = pool
        .parse(req)
        .then(
          (result) => void this.applyParsed(file, result),
          // A worker that failed costs speed, never files: this thread parses them instead.
          () => this.indexText(file, req.source).then(() => undefined),
        )
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
      if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  /**
   * Re-indexes one file: from `text` when given (an open editor buffer), else from disk. A file that
   * no longer exists is removed. Absolute paths inside the workspace and relative paths both work.
   */
  async updateFile(file: string, text?: string): Promise<void> {
    const rel = this.paths.toRelative(file);
    if (rel === undefined || this.filter.isExcluded(rel)) return;
    if (this.paths.updateSupportFile(rel)) return;
    const language = languageForFile(rel);
    if (!language) return;
    if (this.filter.isCompiledOutput(rel)) {
      if (language === 'javascript') this.paths.updateCompiled(rel);
      return;
    }
    const source = text ?? this.readSource(rel);
    if (source === undefined) {
      // A file over the cap or unreadable keeps its reason; one that is gone is forgotten.
      if (!this.skipped.has(rel)) return this.removeFile(rel);
      this.dropSymbols(rel);
      this.joinRoutes();
      return;
    }
    const isNew = !this.paths.sources.has(rel);
    this.paths.sources.add(rel);
    this.skipped.delete(rel);
    let routesChanged = await this.indexText(rel, source);
    if (isNew && path.posix.basename(rel) === '__init__.py') routesChanged = (await this.reindexPythonUnder(path.posix.dirname(rel))) || routesChanged;
    if (routesChanged) this.joinRoutes();
  }

  /** Forgets a deleted file. */
  async removeFile(file: string): Promise<void> {
    const rel = this.paths.toRelative(file);
    if (rel === undefined) return;
    if (this.paths.updateSupportFile(rel, true)) return;
    const wasIndexed = this.paths.sources.has(rel);
    this.paths.forget(rel);
    this.dropSymbols(rel);
    this.skipped.delete(rel);
    this.routeFailures.delete(rel);
    if (!wasIndexed) return;
    if (path.posix.basename(rel) === '__init__.py') await this.reindexPythonUnder(path.posix.dirname(rel));
    this.joinRoutes();
  }

  files(): IterableIterator<string> {
    return this.symbols.files();
  }

  get fileCount(): number {
    return this.symbols.fileCount;
  }

  /** Source files the index saw but did not parse, and why. */
  skippedFiles(): ReadonlyMap<string, SkipReason> {
    return this.skipped;
  }

  /** Files whose route registrations could not be read, with the route extractor's error. */
  routeErrors(): ReadonlyMap<string, string> {
    return this.routeFailures;
  }

  symbolsIn(file: string): readonly SymbolDef[] {
    return this.symbols.symbolsIn(file);
  }

  enclosingSymbol(file: string, line: number): SymbolDef | undefined {
    return this.symbols.enclosingSymbol(file, line);
  }

  symbolsNamed(name: string): SymbolDef[] {
    return this.symbols.symbolsNamed(name);
  }

  routesFor(method: string, route: string): RouteDef[] {
    return this.routes.routesFor(method, route);
  }

  rpcHandlers(service: string, method: string): RouteDef[] {
    return this.routes.rpcHandlers(service, method);
  }

  /** Every joined route, for listings and diagnostics. */
  allRoutes(): RouteDef[] {
    return this.routes.all();
  }

  /**
   * Workspace files for a production path: user mappings first, then the Go module path, then the
   * longest path suffix. A compiled file with a source map stands for the sources it was built
   * from. Several results mean the path is ambiguous; none means it is not workspace code.
   */
  filesForPath(productionPath: string): string[] {
    return this.paths.filesForPath(productionPath);
  }

  /**
   * Workspace files for a JVM class as a stack frame names it (`com.shop.OrderService$Item`,
   * `OrderService.java`): `com/shop/OrderService.java` by suffix; when the folders do not follow
   * the package, a same-named file that declares that class.
   */
  filesForJavaClass(className: string, fileName?: string): string[] {
    const outer = className.split('$')[0] ?? className;
    const declares = (file: string) => this.symbols.symbolsIn(file).some((s) => s.kind === 'class' && s.qualifiedName === outer);
    return this.paths.filesForJavaClass(className, fileName, declares);
  }

  /**
   * Where a 0-based line (and column) of compiled JavaScript comes from, through its source map.
   * `file` is a workspace-relative compiled file or a production path that resolves to one.
   */
  originalPosition(file: string, line: number, column?: number): OriginalPosition | undefined {
    return this.paths.originalPosition(file, line, column);
  }

  /** Frees parser resources held for this index. */
  dispose(): void {
    this.extractor.dispose();
  }

  /**
   * Parses one file into the tables. True when routes need a join: the file's route facts changed,
   * its function names changed (a route elsewhere may name one), or its lines moved while a route
   * points into it.
   */
  private async indexText(rel: string, text: string): Promise<boolean> {
    const req = this.parseRequest(rel, text);
    if (!req) return false;
    return this.applyParsed(rel, await parseFile(this.extractor, req, this.routeExtractor ? (...a) => this.routeExtractor!.factsFor(...a) : null));
  }

  private parseRequest(rel: string, source: string): ParseRequest | undefined {
    const language = languageForFile(rel);
    if (!language) return undefined;
    const pythonModule = language === 'python' ? pythonModulePath(rel, (f) => this.paths.sources.has(f)) : '';
    return { file: rel, language, pythonModule, source };
  }

  /** Files one parse into the tables; true when routes need a join (see `indexText`). */
  private applyParsed(rel: string, result: ParseResult): boolean {
    if (!result.ok) {
      // One file the parser chokes on must not cost the user the whole index.
      this.skipped.set(rel, 'unreadable');
      this.symbols.delete(rel);
      return this.routeFacts.delete(rel);
    }
    if (result.routeError === null) this.routeFailures.delete(rel);
    else this.routeFailures.set(rel, result.routeError);
    const before = this.symbols.symbolsIn(rel);
    this.symbols.set(rel, result.symbols);
    const factsChange = this.setRouteFacts(rel, result.facts);
    if (factsChange === 'changed') return true;
    if (!this.routeExtractor) return false;
    const after = this.symbols.symbolsIn(rel);
    const key = (list: readonly SymbolDef[], withLines: boolean) => list.map((d) => (withLines ? `${d.qualifiedName}@${d.startLine}-${d.endLine}` : d.qualifiedName)).join('\n');
    if (key(before, false) !== key(after, false)) return true;
    return this.routeHandlerFiles.has(rel) && (factsChange === 'lines' || key(before, true) !== key(after, true));
  }

  /**
   * Facts are plain JSON-able data (the RouteExtractor contract), so an edit that leaves a file's
   * registrations as they were (most edits inside a function body) skips the workspace-wide join;
   * so does one that only moves lines, when the extractor can tell (`withoutLines`) and no route
   * points into the file (`applyParsed`).
   */
  private setRouteFacts(rel: string, facts: unknown): 'same' | 'lines' | 'changed' {
    const before = this.routeFacts.get(rel);
    if (facts === null || facts === undefined) return this.routeFacts.delete(rel) ? 'changed' : 'same';
    this.routeFacts.set(rel, facts);
    if (before === undefined) return 'changed';
    if (JSON.stringify(before) === JSON.stringify(facts)) return 'same';
    const extractor = this.routeExtractor;
    return extractor?.withoutLines && extractor.withoutLines(before) === extractor.withoutLines(facts) ? 'lines' : 'changed';
  }

  private joinRoutes(): void {
    if (!this.routeExtractor) return;
    const defs = this.routeExtractor.join(this.routeFacts, (f) => this.symbols.symbolsIn(f));
    this.routes = new RouteTable(defs, (f, line) => this.symbols.enclosingSymbol(f, line));
    this.routeHandlerFiles = new Set(defs.flatMap((d) => (d.handlerFile === null ? [d.file] : [d.file, d.handlerFile])));
  }


  private dropSymbols(rel: string): void {
    this.paths.sources.remove(rel);
    this.symbols.delete(rel);
    this.routeFacts.delete(rel);
  }

  /** Python module paths under `dir` change when an `__init__.py` appears or goes. */
  private async reindexPythonUnder(dir: string): Promise<boolean> {
    const prefix = dir === '.' ? '' : `${dir}/`;
    let routesChanged = false;
    for (const file of [...this.symbols.files()]) {
      if (!file.endsWith('.py') || !file.startsWith(prefix)) continue;
      const text = this.readSource(file);
      if (text !== undefined && (await this.indexText(file, text))) routesChanged = true;
    }
    return routesChanged;
  }

  /** The file's text, or undefined (and the reason recorded) when it is gone, unreadable or too large. */
  private readSource(rel: string): string | undefined {
    const abs = path.join(this.root, rel);
    try {
      if (fs.statSync(abs).size > this.maxFileBytes) {
        this.skipped.set(rel, 'too-large');
        return undefined;
      }
      const text = fs.readFileSync(abs, 'utf8');
      if (/\.min\.[cm]?js$/.test(rel) || looksMinified(text)) {
        this.skipped.set(rel, 'minified');
        return undefined;
      }
      return text;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.skipped.set(rel, 'unreadable');
      return undefined;
    }
  }
}
