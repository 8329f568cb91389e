/**
 * Follows a name from one file to what it denotes in the workspace: a router, a declaration (with its
 * line), or a module. Imports, exports, re-exports, `new Class()` instances, module attributes
 * (`orders.router`, `views.detail`) and router factories (`buildRouter()`) are followed; anything
 * leaving the workspace (a package) resolves to nothing.
 */
import type { NameRef, RouteFacts } from './facts';
import type { ModuleTable } from './modules';

export type Target =
  | { kind: 'router'; file: string; id: string }
  | { kind: 'decl'; file: string; name: string; line: number }
  | { kind: 'module'; file: string | null; dir: string | null };

/** Re-export chains longer than this are cycles or pathological; they resolve to nothing. */
const MAX_DEPTH = 12;

export class Resolver {
  constructor(
    private readonly facts: ReadonlyMap<string, RouteFacts>,
    private readonly modules: ModuleTable,
  ) {}

  resolve(file: string, ref: NameRef): Target | undefined {
    let names = ref.names;
    let target: Target | undefined;
    if (ref.module !== undefined) target = this.module(file, ref.module);
    else {
      target = this.name(file, names[0] ?? '', 0);
      names = names.slice(1);
    }
    for (const n of names) {
      if (!target) return undefined;
      target = this.member(target, n, 0);
    }
    if (ref.called && target?.kind === 'decl') {
      const built = this.facts.get(target.file)?.factories[target.name];
      return built === undefined ? undefined : { kind: 'router', file: target.file, id: built };
    }
    return target;
  }

  private name(file: string, name: string, depth: number): Target | undefined {
    const f = this.facts.get(file);
    if (!f || depth > MAX_DEPTH) return undefined;
    if (f.routers.some((r) => r.id === name)) return { kind: 'router', file, id: name };
    const line = f.decls[name];
    if (line !== undefined) return { kind: 'decl', file, name, line };
    const cls = f.instances[name];
    if (cls !== undefined && cls !== name) return this.name(file, cls, depth + 1);
    const imported = f.imports[name];
    if (!imported) return undefined;
    const mod = this.module(file, imported.spec);
    if (!mod || imported.name === '*') return mod;
    return this.member(mod, imported.name, depth + 1);
  }

  /** `target.n`: an export of a module, a method of a class, a property of an object literal. */
  private member(target: Target, n: string, depth: number): Target | undefined {
    if (target.kind === 'router') return undefined;
    if (target.kind === 'decl') {
      const qualified = `${target.name}.${n}`;
      const line = this.facts.get(target.file)?.decls[qualified];
      return line === undefined ? undefined : { kind: 'decl', file: target.file, name: qualified, line };
    }
    const f = target.file ? this.facts.get(target.file) : undefined;
    if (f && target.file) {
      const local = f.language === 'python' ? n : (f.exports[n] ?? (n === 'default' ? undefined : n));
      const found = local === undefined ? undefined : this.name(target.file, local, depth + 1);
      if (found) return found;
    }
    // `from orders import views` / `orders.views`: a submodule of a package.
    if (target.dir === null) return undefined;
    const sub = this.modules.pySubmodule(target.dir, n);
    return sub && { kind: 'module', ...sub };
  }

  private module(file: string, spec: string): Target | undefined {
    const f = this.facts.get(file);
    if (f?.language === 'python') {
      const m = this.modules.pyModule(file, spec);
      return m && { kind: 'module', ...m };
    }
    const js = this.modules.jsModule(file, spec);
    return js === undefined ? undefined : { kind: 'module', file: js, dir: null };
  }
}
