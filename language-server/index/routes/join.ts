/**
 * The cross-file half of route discovery: routers are joined to their mounts (Express `app.use`,
 * Fastify `register`, Flask `register_blueprint`, FastAPI `include_router`, Django `include`) to get
 * every full prefix, registrations are expanded under them, and handlers are followed to their
 * declarations. Routes are rebuilt from the facts on each call — one pass over plain data — while
 * the lookup tables that span many files (modules, Go packages) are kept and updated; the index
 * skips the join when a file's change cannot alter its result (`WorkspaceIndex.applyParsed`).
 */
import type { RouteDef, SymbolDef } from '../types';
import type { Framework, HandlerRef, MountFact, MountKind, RegistrationFact, RouteFacts } from './facts';
import { goHandlerTarget, goGrpcRegistrations, GoPackages } from './go-join';
import { pythonModulePath } from '../python-module';
import { ModuleTable } from './modules';
import { joinPaths, normalizeRoute, normalizeRpc } from './normalize';
import { Resolver, type Target } from './resolve';

/** A router mounted in several places gets a route per place; past this many it is a generated
 * mess rather than an application, and the rest are dropped. */
const MAX_PREFIXES = 32;

interface Edge {
  parentFile: string;
  parentId: string;
  mount: MountFact;
}

interface HandlerSite {
  handler: string | null;
  handlerFile: string | null;
  handlerLine: number | null;
}

/**
 * Joins route facts, keeping what depends only on the set of files (the module table) from one call
 * to the next: a file's edit then costs resolution, not a rebuild of every lookup table.
 */
export class RouteJoiner {
  private modules: ModuleTable | undefined;
  private go: GoPackages | undefined;

  join(facts: ReadonlyMap<string, RouteFacts>, symbolsIn: (file: string) => readonly SymbolDef[]): RouteDef[] {
    if (!this.modules?.covers(facts)) this.modules = new ModuleTable(facts);
    this.go ??= new GoPackages(this.modules);
    this.go.sync(facts, this.modules);
    return new Join(facts, symbolsIn, this.modules, this.go).run();
  }
}

const key = (file: string, id: string): string => `${file}#${id}`;

class Join {
  private readonly resolver: Resolver;
  private readonly incoming = new Map<string, Edge[]>();
  private readonly mountedAs = new Map<string, MountKind>();
  private readonly prefixMemo = new Map<string, string[]>();
  private readonly out: RouteDef[] = [];
  private readonly globalPrefix: string | null;
  private readonly serviceNames = new Map<string, string | null>();

  constructor(
    private readonly facts: ReadonlyMap<string, RouteFacts>,
    private readonly symbolsIn: (file: string) => readonly SymbolDef[],
    private readonly modules: ModuleTable,
    private readonly go: GoPackages,
  ) {
    this.resolver = new Resolver(facts, this.modules);
    let globalPrefix: string | null = null;
    for (const f of facts.values()) {
      globalPrefix ??= f.globalPrefix;
      for (const full of f.grpcServiceNames) {
        const short = full.slice(full.lastIndexOf('.') + 1);
        // Two packages defining the same service name leave it unqualified rather than guess.
        this.serviceNames.set(short, this.serviceNames.has(short) && this.serviceNames.get(short) !== full ? null : full);
      }
    }
    this.globalPrefix = globalPrefix;
  }

  run(): RouteDef[] {
    for (const [file, f] of this.facts) for (const m of f.mounts) this.addMount(file, m);
    for (const f of this.facts.values()) {
      for (const r of f.registrations) this.expand(f, r);
      if (f.language !== 'go') continue;
      for (const g of goGrpcRegistrations(f, this.go)) this.expand(this.facts.get(g.file) ?? f, g.registration);
    }
    return this.out;
  }

  private addMount(file: string, m: MountFact): void {
    const parent = this.resolver.resolve(file, m.parent);
    if (parent?.kind !== 'router') return;
    const child = this.resolver.resolve(file, m.child);
    if (child?.kind === 'router') {
      const childKey = key(child.file, child.id);
      const edges = this.incoming.get(childKey) ?? [];
      edges.push({ parentFile: parent.file, parentId: parent.id, mount: m });
      this.incoming.set(childKey, edges);
      this.mountedAs.set(childKey, m.kind);
    } else if (child?.kind === 'decl' && m.handlerIfNotRouter) {
      const handler: HandlerRef = { kind: 'ref', ref: m.child };
      this.expand(this.facts.get(file)!, { router: m.parent, framework: null, methods: ['*'], path: m.prefix ?? '', handler, line: m.line });
    }
  }

  private expand(f: RouteFacts, r: RegistrationFact): void {
    let framework: Framework | null = r.framework;
    let prefixes = [''];
    if (r.router) {
      const router = this.resolver.resolve(f.file, r.router);
      if (router?.kind !== 'router') return;
      const k = key(router.file, router.id);
      framework ??= this.routerFramework(router.file, router.id, k);
      prefixes = this.prefixes(router.file, router.id, new Set());
    }
    if (!framework) return;
    const site = this.handlerSite(f, r.handler);
    for (const prefix of prefixes) {
      let route = framework === 'django' ? joinDjango(prefix, r.path) : prefix ? joinPaths(prefix, r.path) : r.path;
      if (framework === 'nestjs' && this.globalPrefix) route = joinPaths('/' + this.globalPrefix.replace(/^\/+/, ''), route);
      if (framework === 'grpc') route = this.qualifyService(route);
      const normalized = framework === 'grpc' ? normalizeRpc(route.slice(0, route.indexOf('/')), route.slice(route.indexOf('/') + 1)) : normalizeRoute(route);
      for (const method of r.methods) this.out.push({ file: f.file, framework, method, route, normalized, ...site, line: r.line });
    }
  }

  private routerFramework(file: string, id: string, k: string): Framework | null {
    const own = this.facts.get(file)?.routers.find((r) => r.id === id)?.framework;
    if (own) return own;
    const kind = this.mountedAs.get(k);
    return kind === 'register' ? 'fastify' : kind === 'use' ? 'express' : null;
  }

  /** Every full prefix a router is reachable under, through each chain of mounts to a root. */
  private prefixes(file: string, id: string, visiting: Set<string>): string[] {
    const k = key(file, id);
    const memo = this.prefixMemo.get(k);
    if (memo) return memo;
    const own = this.facts.get(file)?.routers.find((r) => r.id === id)?.prefix ?? '';
    const edges = this.incoming.get(k);
    if (!edges?.length || visiting.has(k)) return [own];
    visiting.add(k);
    const result: string[] = [];
    for (const e of edges) {
      for (const p of this.prefixes(e.parentFile, e.parentId, visiting)) {
        if (result.length < MAX_PREFIXES) result.push(compose(e.mount, p, own));
      }
    }
    visiting.delete(k);
    const unique = [...new Set(result)];
    this.prefixMemo.set(k, unique);
    return unique;
  }

  private handlerSite(f: RouteFacts, h: HandlerRef | null): HandlerSite {
    if (!h) return { handler: null, handlerFile: null, handlerLine: null };
    if (h.kind === 'here') return { handler: h.name && this.qualify(f.file, h.name), handlerFile: f.file, handlerLine: h.line };
    if (h.kind === 'named') return this.namedSite(h.name);
    const target: Target | undefined = f.language === 'go' ? goHandlerTarget(f, h.ref.names, this.go) : this.resolver.resolve(f.file, h.ref);
    if (target?.kind === 'decl') return { handler: this.qualify(target.file, target.name), handlerFile: target.file, handlerLine: target.line };
    // A name the facts cannot follow may still be a symbol the index found in this file.
    const written = h.ref.names.join('.');
    const symbol = this.symbolsIn(f.file).find((s) => s.qualifiedName === written || s.qualifiedName.endsWith('.' + written));
    if (symbol) return { handler: symbol.qualifiedName, handlerFile: f.file, handlerLine: symbol.startLine };
    return { handler: null, handlerFile: null, handlerLine: null };
  }

  /**
   * A Java method by its qualified name, in the file that declares it: preferably the one its
   * package path names (`com.shop.stock.StockHandler.level` → `…/com/shop/stock/StockHandler.java`,
   * nested classes in their outer class's file), else any. Without one, the name alone still lets
   * the mapper find the symbol. One pass over the facts per handler: only functional routes pay it.
   */
  private namedSite(name: string): HandlerSite {
    const segments = name.split('.').slice(0, -1);
    const paths: string[] = [];
    for (let n = segments.length; n > 0; n--) paths.push(`${segments.slice(0, n).join('/')}.java`);
    let found: HandlerSite = { handler: name, handlerFile: null, handlerLine: null };
    for (const [file, f] of this.facts) {
      const line = f.decls[name];
      if (line === undefined || f.language !== 'java') continue;
      found = { handler: name, handlerFile: file, handlerLine: line };
      if (paths.some((p) => file === p || file.endsWith('/' + p))) break;
    }
    return found;
  }

  private qualify(file: string, name: string): string {
    const f = this.facts.get(file);
    if (f?.language !== 'python') return name;
    const module = pythonModulePath(file, (p) => this.facts.has(p));
    return module ? `${module}.${name}` : name;
  }

  private qualifyService(route: string): string {
    const slash = route.indexOf('/');
    const service = route.slice(0, slash);
    const full = service.includes('.') ? undefined : this.serviceNames.get(service);
    return full ? full + route.slice(slash) : route;
  }
}

/** A child's full prefix under one mount, by the mounting framework's rules. */
function compose(m: MountFact, parentPrefix: string, own: string): string {
  switch (m.kind) {
    case 'include':
      return joinDjango(joinDjango(parentPrefix, m.prefix ?? ''), own);
    case 'blueprint':
      return joinPaths(parentPrefix, m.prefix ?? own);
    default:
      return joinPaths(joinPaths(parentPrefix, m.prefix ?? ''), own);
  }
}

/** Django's `URLResolver._join_route`: plain concatenation, dropping the inner pattern's `^`. */
function joinDjango(outer: string, inner: string): string {
  if (!outer) return inner;
  return outer + (inner.startsWith('^') ? inner.slice(1) : inner);
}
