/**
 * Production path → workspace files. Production paths carry container prefixes (`/app/src/x.ts`),
 * URL schemes (`file:///app/x.js`, `webpack:///./src/x.ts`), Windows separators and Go module
 * paths (`github.com/acme/shop/orders/service.go` under `-trimpath`); workspace files are matched
 * by the longest common path suffix, indexed by basename, and ties are all returned (ambiguous).
 */

/** A user-configured prefix rewrite, applied before suffix matching. */
export interface PathMapping {
  from: string;
  to: string;
}

/**
 * Segments that only appear in paths of third-party code. The index never holds such files, so a
 * basename match there (`site-packages/flask/app.py` against the user's `app.py`) would be wrong.
 */
const LIBRARY_SEGMENTS = new Set(['node_modules', 'site-packages', 'dist-packages', 'vendor', '.venv', 'venv', '__pypackages__', '.m2', '.gradle']);

/** Runtime and toolchain locations: a CPython stdlib, GOROOT, the Go module cache, Node internals. */
const LIBRARY_PATHS = /\/lib\/python\d[\d.]*\/|\/usr\/local\/go\/src\/|\/pkg\/mod\/|^node:|^\/?internal\//;

/** True for paths of third-party or runtime code that never resolve into the workspace. */
export function isLibraryPath(normalized: string): boolean {
  if (LIBRARY_PATHS.test(normalized)) return true;
  return normalized.split('/').some((s) => LIBRARY_SEGMENTS.has(s));
}

export interface SuffixMatch {
  files: string[];
  /** Number of trailing segments the winners share with the production path (0 = none). */
  segments: number;
}

/** Cleans a path as telemetry reports it into forward-slash segments without scheme or drive. */
export function normalizeProductionPath(productionPath: string): string {
  let p = productionPath.trim().replace(/\\/g, '/');
  p = p.replace(/^[a-z][a-z0-9+.-]*:\/\/\/?/i, '/');
  p = p.replace(/^\/?[a-zA-Z]:\//, '/');
  p = p.replace(/\/\.\//g, '/').replace(/\/{2,}/g, '/');
  return p;
}

/** `com.shop.OrderService$Item` + `OrderService.java` → `com/shop/OrderService.java`. */
export function javaSourcePath(className: string, fileName?: string): string {
  const outer = className.split('$')[0] ?? className;
  const parts = outer.split('.');
  const simple = parts.pop() ?? outer;
  const file = fileName && fileName.includes('.') ? fileName : `${simple}.java`;
  return [...parts, file].join('/');
}

export class PathMatcher {
  private readonly byBasename = new Map<string, Set<string>>();

  add(file: string): void {
    const base = basename(file);
    let set = this.byBasename.get(base);
    if (!set) {
      set = new Set();
      this.byBasename.set(base, set);
    }
    set.add(file);
  }

  remove(file: string): void {
    const base = basename(file);
    const set = this.byBasename.get(base);
    set?.delete(file);
    if (set && set.size === 0) this.byBasename.delete(base);
  }

  has(file: string): boolean {
    return this.byBasename.get(basename(file))?.has(file) ?? false;
  }

  /** All files tied for the longest common suffix with `normalized` (see normalizeProductionPath). */
  longestSuffix(normalized: string): SuffixMatch {
    const segments = normalized.split('/').filter((s) => s !== '' && s !== '.');
    const base = segments[segments.length - 1];
    const candidates = base === undefined ? undefined : this.byBasename.get(base);
    if (!candidates) return { files: [], segments: 0 };
    let best = 0;
    let winners: string[] = [];
    for (const file of candidates) {
      const n = commonSuffixSegments(segments, file.split('/'));
      if (n > best) {
        best = n;
        winners = [file];
      } else if (n === best) winners.push(file);
    }
    return { files: winners.sort(), segments: best };
  }
}

function basename(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? file : file.slice(i + 1);
}

function commonSuffixSegments(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/** Rewrites a production path by the first mapping whose `from` is a prefix of it, on a segment boundary. */
export function applyPathMappings(normalized: string, mappings: readonly PathMapping[]): string | undefined {
  for (const m of mappings) {
    const from = normalizeProductionPath(m.from).replace(/\/$/, '');
    if (normalized === from || normalized.startsWith(`${from}/`)) {
      const rest = normalized.slice(from.length).replace(/^\//, '');
      const to = m.to.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/$/, '');
      return to === '' || to === '.' ? rest : `${to}/${rest}`;
    }
  }
  return undefined;
}

/** A Go module: paths under `module` live under `dir` in the workspace. */
export interface GoModule {
  module: string;
  /** Workspace-relative folder of the go.mod ('' at the root). */
  dir: string;
}

/** The `module` directive of a go.mod file, or undefined when it has none. */
export function parseGoModule(goMod: string): string | undefined {
  const m = /^\s*module\s+("?)([^\s"]+)\1\s*$/m.exec(goMod);
  return m?.[2];
}

/**
 * Workspace-relative candidates for a path containing a Go module path; the longest module wins
 * so nested modules (`github.com/acme/shop/tools`) take precedence over their parent.
 */
export function goModuleCandidates(normalized: string, modules: readonly GoModule[]): string[] {
  const out: Array<{ len: number; file: string }> = [];
  for (const m of modules) {
    const at = normalized === m.module ? -1 : normalized.indexOf(`${m.module}/`);
    if (at < 0 || (at > 0 && normalized[at - 1] !== '/')) continue;
    const rest = normalized.slice(at + m.module.length + 1);
    out.push({ len: m.module.length, file: m.dir ? `${m.dir}/${rest}` : rest });
  }
  return out.sort((a, b) => b.len - a.len).map((c) => c.file);
}
