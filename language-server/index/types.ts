/**
 * What the workspace index knows and how the rest of the server asks it. The index is built with a
 * real parser (tree-sitter) per language; everything here is plain data so mapping and storage
 * never touch parse trees.
 */

export type Language = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'java';

export type SymbolKind = 'function' | 'method' | 'class' | 'arrow' | 'constructor';

/** One function-like symbol in a workspace file. Lines are 0-based, inclusive. */
export interface SymbolDef {
  /** Workspace-relative path with forward slashes. */
  file: string;
  language: Language;
  kind: SymbolKind;
  /** The bare name (`place`). Anonymous functions take the name of what they are assigned to. */
  name: string;
  /** Qualified in the language's own style: `OrderService.place`, `orders.views.place_order`,
   * `(*OrderService).Place`, `com.shop.OrderService.place`. */
  qualifiedName: string;
  /** Line of the declaration (where a lens goes). */
  startLine: number;
  endLine: number;
  /** Hash of the body text, so a changed body can be told from a moved one. */
  bodyHash: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | '*';

/** A route registration found in source, joined with its router/blueprint/class prefixes. */
export interface RouteDef {
  file: string;
  framework: 'express' | 'fastify' | 'nestjs' | 'flask' | 'fastapi' | 'django' | 'spring' | 'go-http' | 'grpc';
  method: HttpMethod;
  /** The full route as written, prefixes joined: `/api/orders/:id`. For gRPC: `pkg.Service/Method`. */
  route: string;
  /** Normalised for matching: parameters become `{}` (`/api/orders/{}`). */
  normalized: string;
  /** The handler's qualified name when it is a named symbol in the workspace. */
  handler: string | null;
  /** Where the handler function is defined, when the extractor could tell (it may be another file);
   * the index turns this into a symbol with `enclosingSymbol`, so naming styles never have to agree. */
  handlerFile: string | null;
  handlerLine: number | null;
  /** 0-based line of the registration (or of the handler when it is defined inline). */
  line: number;
}

/** Read-only view of the index, what the mapper and the features use. */
export interface WorkspaceIndexView {
  /** Every indexed workspace-relative file. */
  files(): Iterable<string>;
  symbolsIn(file: string): readonly SymbolDef[];
  /** The innermost function-like symbol whose range contains the 0-based line. */
  enclosingSymbol(file: string, line: number): SymbolDef | undefined;
  /** Workspace files matching a production path by longest path suffix; several = ambiguous. */
  filesForPath(productionPath: string): string[];
  /** Symbols whose qualified name equals `name`, or ends with `.name` / `::name`. */
  symbolsNamed(name: string): SymbolDef[];
  /** Routes matching a method and a route as telemetry reports it (`/orders/:id`, `/orders/{id}`). */
  routesFor(method: string, route: string): RouteDef[];
  /** gRPC handlers for an `rpc.service` + `rpc.method`. */
  rpcHandlers(service: string, method: string): RouteDef[];
}

/**
 * Route discovery in two phases so one file's change stays cheap: `factsFor` reads one parsed file
 * (registrations, router mounts, exported routers, gRPC service implementations), `join` resolves
 * prefixes across files (Express `app.use('/api', router)`, Flask blueprints, FastAPI
 * `include_router`, Django `include`, Spring class-level `@RequestMapping`) into full routes.
 */
export interface RouteExtractor<Facts = unknown> {
  factsFor(file: string, language: Language, root: import('web-tree-sitter').Node, source: string): Facts | null;
  join(facts: ReadonlyMap<string, Facts>, symbolsIn: (file: string) => readonly SymbolDef[]): RouteDef[];
  /**
   * The facts as text with their line numbers left out. When only lines changed in a file no route
   * points into, the join's result cannot change, so the index skips it (a line inserted on top
   * of a file moves every line in it).
   */
  withoutLines?(facts: Facts): string;
}
