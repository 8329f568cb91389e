/**
 * Go names resolve per package (a directory), not per file: a handler `s.getOrder` or `GetOrder` may
 * be declared in any file of the package, `handlers.GetOrder` in the imported package's directory,
 * and a gRPC server type's methods anywhere in its package.
 */
import * as path from 'node:path/posix';
import type { RegistrationFact, RouteFacts } from './facts';
import { grpcRoute } from './grpc';
import type { ModuleTable } from './modules';
import type { Target } from './resolve';

interface Decl {
  file: string;
  name: string;
  line: number;
}

const METHOD = /^\(?\*?(\w+)\)?\.(\w+)$/;

interface Package {
  files: Set<string>;
  functions: Map<string, Decl>;
  /** Method name → its declarations on any receiver type in the package. */
  methods: Map<string, Decl[]>;
}

/**
 * The Go declarations of the workspace by package. It is kept across joins and brought up to date
 * file by file (`sync`), since rebuilding it from every Go file's declarations was most of what a
 * one-file update cost in a large workspace.
 */
export class GoPackages {
  private readonly packages = new Map<string, Package>();
  /** Method name → declarations in every package, for method values whose receiver is a variable
   * of another package's type (`srv := orders.NewServer(); mux.HandleFunc(…, srv.GetOrder)`). */
  readonly allMethods = new Map<string, Decl[]>();
  /** The facts object each Go file's declarations were taken from. */
  private readonly source = new Map<string, RouteFacts>();
  modules: ModuleTable;

  constructor(modules: ModuleTable) {
    this.modules = modules;
  }

  /** Brings the tables up to date with `facts`; only files whose facts object changed cost work. */
  sync(facts: ReadonlyMap<string, RouteFacts>, modules: ModuleTable): void {
    this.modules = modules;
    for (const [file, old] of this.source) {
      if (facts.get(file) !== old) this.forget(file, old);
    }
    for (const [file, f] of facts) {
      if (f.language !== 'go' || file.endsWith('_test.go') || this.source.get(file) === f) continue;
      this.add(file, f);
    }
  }

  private add(file: string, f: RouteFacts): void {
    this.source.set(file, f);
    const pkg = this.package(path.dirname(file));
    pkg.files.add(file);
    for (const [name, line] of Object.entries(f.decls)) {
      const method = METHOD.exec(name);
      if (!method) pkg.functions.set(name, { file, name, line });
      else {
        pushTo(pkg.methods, method[2]!, { file, name, line });
        pushTo(this.allMethods, method[2]!, { file, name, line });
      }
    }
  }

  private forget(file: string, f: RouteFacts): void {
    this.source.delete(file);
    const pkg = this.package(path.dirname(file));
    pkg.files.delete(file);
    for (const name of Object.keys(f.decls)) {
      const method = METHOD.exec(name);
      if (!method) {
        if (pkg.functions.get(name)?.file !== file) continue;
        pkg.functions.delete(name);
        // Another file of the package may declare the same name (build tags); it takes over.
        const other = this.sameNameElsewhere(pkg, name);
        if (other) pkg.functions.set(name, other);
      } else {
        removeFrom(pkg.methods, method[2]!, file);
        removeFrom(this.allMethods, method[2]!, file);
      }
    }
  }

  private sameNameElsewhere(pkg: Package, name: string): Decl | undefined {
    for (const file of pkg.files) {
      const line = this.source.get(file)?.decls[name];
      if (line !== undefined) return { file, name, line };
    }
    return undefined;
  }

  package(dir: string): Package {
    let p = this.packages.get(dir);
    if (!p) {
      p = { files: new Set(), functions: new Map(), methods: new Map() };
      this.packages.set(dir, p);
    }
    return p;
  }

  /** Methods declared on one receiver type (`T` or `*T`) in a package. */
  methodsOf(dir: string, typeName: string): Decl[] {
    const out: Decl[] = [];
    for (const list of this.package(dir).methods.values()) {
      for (const d of list) if (d.name.startsWith(`(*${typeName}).`) || d.name.startsWith(`${typeName}.`)) out.push(d);
    }
    return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  }
}

/** `GetOrder`, `handlers.GetOrder` (an imported package), or `s.getOrder` (a method value). */
export function goHandlerTarget(f: RouteFacts, names: string[], go: GoPackages): Target | undefined {
  const here = path.dirname(f.file);
  const asDecl = (d: Decl | undefined): Target | undefined => d && { kind: 'decl', file: d.file, name: d.name, line: d.line };
  if (names.length === 1) return asDecl(go.package(here).functions.get(names[0]!));
  if (names.length !== 2) return undefined;
  const [receiver, member] = names as [string, string];
  const typed = f.instances[receiver];
  if (typed) {
    const [pkg, type] = typed.includes('.') ? (typed.split('.') as [string, string]) : [undefined, typed];
    const dir = pkg === undefined ? here : go.modules.goPackage(f.file, f.imports[pkg]?.spec ?? pkg);
    const method = dir === undefined ? undefined : go.methodsOf(dir, type).find((d) => d.name.endsWith(`.${member}`));
    if (method) return asDecl(method);
  }
  const imported = f.imports[receiver];
  if (imported) {
    const dir = go.modules.goPackage(f.file, imported.spec);
    return dir === undefined ? undefined : asDecl(go.package(dir).functions.get(member));
  }
  // A method value: the receiver's type is not tracked, so the method name must be unambiguous, in
  // this package first, else in the workspace.
  const local = go.package(here).methods.get(member) ?? [];
  const candidates = local.length ? local : (go.allMethods.get(member) ?? []);
  return candidates.length === 1 ? asDecl(candidates[0]) : undefined;
}

/** Registrations for the exported methods of each gRPC server type declared in this file, each with
 * the file its method is declared in. */
export function goGrpcRegistrations(f: RouteFacts, go: GoPackages): Array<{ file: string; registration: RegistrationFact }> {
  const out: Array<{ file: string; registration: RegistrationFact }> = [];
  for (const t of f.grpcTypes) {
    for (const d of go.methodsOf(path.dirname(f.file), t.typeName)) {
      const method = d.name.slice(d.name.lastIndexOf('.') + 1);
      if (!/^[A-Z]/.test(method)) continue;
      const handler = { kind: 'here', name: d.name, line: d.line } as const;
      out.push({ file: d.file, registration: { router: null, framework: 'grpc', methods: ['POST'], path: grpcRoute(t.service, method), handler, line: d.line } });
    }
  }
  return out;
}

function pushTo(table: Map<string, Decl[]>, key: string, decl: Decl): void {
  const list = table.get(key);
  if (list) list.push(decl);
  else table.set(key, [decl]);
}

function removeFrom(table: Map<string, Decl[]>, key: string, file: string): void {
  const list = table.get(key)?.filter((d) => d.file !== file);
  if (list?.length) table.set(key, list);
  else table.delete(key);
}
