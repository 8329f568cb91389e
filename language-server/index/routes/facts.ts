/**
 * The per-file facts the route extractor keeps between edits. They are plain JSON-able data (names,
 * strings, line numbers) so a file's facts can be recomputed alone and the cross-file `join` never
 * needs a parse tree.
 */
import type { HttpMethod, Language, RouteDef } from '../types';

export type Framework = RouteDef['framework'];

/**
 * A value named from one file: a dotted path from a local binding (`['orders', 'router']`), or from
 * a module named inline (`require('./orders')`, Django `include('orders.urls')`). `called` marks a
 * factory call (`app.use('/api', buildRouter())`).
 */
export interface NameRef {
  names: string[];
  module?: string;
  called?: boolean;
}

/** How a registration names its handler. */
export type HandlerRef =
  | { kind: 'ref'; ref: NameRef }
  /** Declared right at the registration: a decorated method, an inline function. `name` is the
   * file-local qualified name (`OrderController.get`), null for anonymous functions. */
  | { kind: 'here'; name: string | null; line: number }
  /** A fully qualified name in another file the facts do not follow by imports (a Java class's
   * method, `com.shop.stock.StockHandler.level`); the join finds its file by package path. */
  | { kind: 'named'; name: string };

/** A router-like object: Express `Router()`, a Fastify instance or plugin, a Flask Blueprint, a
 * FastAPI `APIRouter`, a Django `urlpatterns` list. */
export interface RouterFact {
  /** File-local id; function-local routers are `fn/var`, Fastify plugins are the function's name. */
  id: string;
  /** Null when the object alone does not say (a plugin's parameter); the mount decides. */
  framework: Framework | null;
  /** The router's own prefix (`Blueprint(url_prefix=)`, `APIRouter(prefix=)`). */
  prefix: string;
  line: number;
}

export interface RegistrationFact {
  /** The router the route is registered on; null for absolute routes (Spring, NestJS, Go, gRPC). */
  router: NameRef | null;
  framework: Framework | null;
  methods: HttpMethod[];
  /** The path as written, already joined with any in-file prefix (Spring class mapping). */
  path: string;
  /** Null when the handler is an expression the reader cannot follow; the route still counts. */
  handler: HandlerRef | null;
  line: number;
}

export type MountKind = 'use' | 'register' | 'blueprint' | 'include_router' | 'include';

export interface MountFact {
  parent: NameRef;
  child: NameRef;
  /** Null when the mount gives no prefix, so the child's own prefix stands (Flask semantics). */
  prefix: string | null;
  kind: MountKind;
  line: number;
  /** Express `app.use('/health', healthCheck)`: when the child is a plain function rather than a
   * router, it is a handler for every method at the prefix. */
  handlerIfNotRouter: boolean;
}

export interface ImportFact {
  /** As written: `./routes/orders`, `app.routers.orders`, `.views` (Python relative), a Go path. */
  spec: string;
  /** `default`, a named export, or `*` for the module itself. */
  name: string;
}

/** A gRPC service implemented by a type whose methods may live in other files (Go). */
export interface GrpcTypeFact {
  typeName: string;
  service: string;
  line: number;
}

export interface RouteFacts {
  file: string;
  language: Language;
  routers: RouterFact[];
  registrations: RegistrationFact[];
  mounts: MountFact[];
  /** Local binding → what it imports. */
  imports: Record<string, ImportFact>;
  /** Exported name → local name (JS); Python and Go export every top-level name. */
  exports: Record<string, string>;
  /** File-local qualified name (`getOrder`, `OrderController.get`, `(*Server).Get`) → 0-based line. */
  decls: Record<string, number>;
  /** Variable → its class or type, for method handlers: `const c = new OrderController()` (JS),
   * `srv := orders.NewServer()` → `orders.Server` (Go). */
  instances: Record<string, string>;
  /** Function → the router id it builds and returns. */
  factories: Record<string, string>;
  /** NestJS `app.setGlobalPrefix('api')`. */
  globalPrefix: string | null;
  /** Go gRPC server types (methods are joined from the whole package). */
  grpcTypes: GrpcTypeFact[];
  /** Fully-qualified service names found in generated stubs (`shop.OrderService`). */
  grpcServiceNames: string[];
}

export function emptyFacts(file: string, language: Language): RouteFacts {
  return {
    file,
    language,
    routers: [],
    registrations: [],
    mounts: [],
    imports: {},
    exports: {},
    decls: {},
    instances: {},
    factories: {},
    globalPrefix: null,
    grpcTypes: [],
    grpcServiceNames: [],
  };
}

/** Facts worth keeping: a file with no routes, routers, mounts or gRPC still matters as a place
 * handlers are imported from, so declarations alone keep it. */
export function isEmpty(f: RouteFacts): boolean {
  return (
    f.routers.length === 0 &&
    f.registrations.length === 0 &&
    f.mounts.length === 0 &&
    f.grpcTypes.length === 0 &&
    f.grpcServiceNames.length === 0 &&
    f.globalPrefix === null &&
    Object.keys(f.decls).length === 0 &&
    Object.keys(f.exports).length === 0
  );
}
