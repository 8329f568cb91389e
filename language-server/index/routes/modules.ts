/**
 * Where an import points, per language: JS/TS relative specifiers (with the extension and
 * `index` variants bundlers and Node accept), Python modules (relative or absolute, packages with or
 * without `__init__.py`), and Go import paths (matched to a package directory by path suffix, since
 * the module path in `go.mod` is not among the parsed files).
 */
import * as path from 'node:path/posix';
import type { RouteFacts } from './facts';

const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts'];

/**
 * Built from the set of files alone, so one table serves every join until a file is added or
 * removed; lookups are memoised for the same reason.
 */
export class ModuleTable {
  /** Dotted Python module suffix (`views`, `orders.views`) → files or package directories. */
  private readonly pyModules = new Map<string, string[]>();
  /** Go import path suffix (`handlers`, `internal/handlers`) → package directories. */
  private readonly goDirs = new Map<string, string[]>();
  private readonly files: ReadonlySet<string>;
  private readonly jsMemo = new Map<string, string | undefined>();

  constructor(facts: ReadonlyMap<string, RouteFacts>) {
    this.files = new Set(facts.keys());
    for (const [file, f] of facts) {
      if (f.language === 'python') this.addPython(file);
      if (f.language === 'go') this.addSuffixes(this.goDirs, path.dirname(file).split('/'), path.dirname(file));
    }
  }

  /** Whether this table was built for exactly these files. */
  covers(facts: ReadonlyMap<string, RouteFacts>): boolean {
    if (facts.size !== this.files.size) return false;
    for (const file of facts.keys()) if (!this.files.has(file)) return false;
    return true;
  }

  private addPython(file: string): void {
    const parts = file.replace(/\.py$/, '').split('/');
    if (parts[parts.length - 1] === '__init__') parts.pop();
    else this.addSuffixes(this.pyModules, parts, file);
    // Every enclosing directory is a package (regular or namespace) reachable by its dotted name.
    for (let i = parts.length - 1; i > 0; i--) this.addSuffixes(this.pyModules, parts.slice(0, i), parts.slice(0, i).join('/'));
  }

  private addSuffixes(table: Map<string, string[]>, parts: string[], target: string): void {
    const sep = table === this.pyModules ? '.' : '/';
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === '.') continue;
      const key = parts.slice(i).join(sep);
      const list = table.get(key);
      if (!list) table.set(key, [target]);
      else if (!list.includes(target)) list.push(target);
    }
  }

  /** A JS/TS relative import; bare package names are outside the workspace. */
  jsModule(from: string, spec: string): string | undefined {
    if (!spec.startsWith('.')) return undefined;
    const memoKey = `${from}\0${spec}`;
    if (this.jsMemo.has(memoKey)) return this.jsMemo.get(memoKey);
    const base = path.join(path.dirname(from), spec);
    // TypeScript ESM imports name the emitted `.js` file of a `.ts` source.
    const stem = base.replace(/\.(c|m)?js$/, '');
    let found = this.files.has(base) ? base : undefined;
    for (const e of JS_EXTENSIONS) found ??= this.files.has(stem + e) ? stem + e : undefined;
    for (const e of JS_EXTENSIONS) found ??= this.files.has(`${base}/index${e}`) ? `${base}/index${e}` : undefined;
    this.jsMemo.set(memoKey, found);
    return found;
  }

  /**
   * A Python module: the source file when there is one (`x.py`, `x/__init__.py`) and the package
   * directory its submodules live in.
   */
  pyModule(from: string, spec: string): { file: string | null; dir: string | null } | undefined {
    const level = /^\.*/.exec(spec)![0].length;
    const rest = spec.slice(level);
    if (level > 0) {
      let dir = path.dirname(from);
      for (let i = 1; i < level; i++) dir = path.dirname(dir);
      const target = rest ? path.join(dir, rest.replace(/\./g, '/')) : dir;
      return this.pyTarget(target === '.' ? '' : target);
    }
    const found = this.pyModules.get(rest);
    if (!found?.length) return undefined;
    return this.pyTarget(closest(found, from));
  }

  /** `dir/name` as a module or package, when the workspace has it. */
  pySubmodule(dir: string, name: string): { file: string | null; dir: string | null } | undefined {
    const target = dir ? `${dir}/${name}` : name;
    return this.files.has(`${target}.py`) || this.pyModules.get(target.replace(/\//g, '.'))?.includes(target) ? this.pyTarget(target) : undefined;
  }

  private pyTarget(target: string): { file: string | null; dir: string | null } {
    if (target.endsWith('.py')) return { file: target, dir: null };
    if (this.files.has(`${target}.py`)) return { file: `${target}.py`, dir: null };
    const init = target ? `${target}/__init__.py` : '__init__.py';
    return { file: this.files.has(init) ? init : null, dir: target };
  }

  /** The package directory a Go import path names. */
  goPackage(from: string, importPath: string): string | undefined {
    const parts = importPath.split('/');
    for (let i = 0; i < parts.length; i++) {
      const found = this.goDirs.get(parts.slice(i).join('/'));
      if (found?.length) return closest(found, from);
    }
    return undefined;
  }
}

/** Of several candidates, the one sharing the longest directory prefix with the importing file. */
function closest(candidates: string[], from: string): string {
  let best = candidates[0]!;
  let bestScore = -1;
  for (const c of candidates) {
    let i = 0;
    while (i < c.length && i < from.length && c[i] === from[i]) i++;
    if (i > bestScore || (i === bestScore && c.length < best.length)) {
      best = c;
      bestScore = i;
    }
  }
  return best;
}
