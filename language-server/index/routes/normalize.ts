/**
 * Route normalisation: every framework's placeholder syntax becomes `{}` so a route as telemetry
 * reports it (`/orders/:id`, `/orders/{id}`, `orders/<int:pk>/`) meets the route as written.
 */
import type { HttpMethod, RouteDef } from '../types';

/** `pkg.Service/Method` (with or without a leading slash), the gRPC form of a route. */
const RPC_ROUTE = /^\/?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\/([A-Za-z_]\w*)$/;

/**
 * Normalises an HTTP route template: placeholders (`:id`, `:id?`, `:id(\d+)`, `{id}`, `{id:int}`,
 * `{path...}`, `<id>`, `<int:id>`, Django `(?P<pk>\d+)`) become `{}`; Django's `^`/`$` anchors and
 * Go's `{$}` go; duplicate slashes collapse; a leading slash is added and a trailing one dropped
 * (`/` stays). A gRPC route `pkg.Service/Method` is normalised with {@link normalizeRpc}.
 */
export function normalizeRoute(route: string): string {
  const rpc = RPC_ROUTE.exec(route.trim());
  if (rpc) return normalizeRpc(rpc[1]!, rpc[2]!);
  let r = route.trim();
  if (r.startsWith('^')) r = r.slice(1);
  if (r.endsWith('$') && !r.endsWith('{$}')) r = r.slice(0, -1);
  r = replacePlaceholders(r).replace(/\{\$\}/g, '');
  r = ('/' + r).replace(/\/{2,}/g, '/');
  if (r.length > 1 && r.endsWith('/')) r = r.slice(0, -1);
  return r;
}

/** gRPC services and methods compare case-insensitively: grpc-js implementations are keyed
 * `placeOrder` for the proto method `PlaceOrder`. */
export function normalizeRpc(service: string, method: string): string {
  return `${service.replace(/^\//, '')}/${method}`.toLowerCase();
}

/** One left-to-right scan; placeholders may nest brackets (`{id:[0-9]{3}}`, `(?P<pk>(\d+))`). */
function replacePlaceholders(r: string): string {
  let out = '';
  let i = 0;
  while (i < r.length) {
    const c = r[i]!;
    if (c === '{' && r[i + 1] !== '$') {
      i = skipBalanced(r, i, '{', '}');
      out += '{}';
    } else if (c === '<') {
      i = skipBalanced(r, i, '<', '>');
      out += '{}';
    } else if (c === '(') {
      i = skipBalanced(r, i, '(', ')');
      if (r[i] === '?') i++;
      out += '{}';
    } else if (c === ':' && /[A-Za-z_]/.test(r[i + 1] ?? '')) {
      i++;
      while (i < r.length && /\w/.test(r[i]!)) i++;
      if (r[i] === '(') i = skipBalanced(r, i, '(', ')');
      if (r[i] === '?' || r[i] === '+' || r[i] === '*') i++;
      out += '{}';
    } else if (c === '\\' && i + 1 < r.length) {
      // A regex escape outside a group (`\.` in `^orders\.json$`) stands for the character itself.
      out += r[i + 1];
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index just past the bracket that closes the one at `start`. */
function skipBalanced(s: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  return s.length;
}

/**
 * Joins a mount prefix and a path as URL routers do: one slash between them, none doubled. An empty
 * path keeps the prefix as it is (`Blueprint` rule `''`); `'/'` under a prefix keeps its slash.
 */
export function joinPaths(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  const left = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const right = path.startsWith('/') ? path : '/' + path;
  return left + right;
}

/**
 * Splits a Go 1.22 ServeMux pattern `[METHOD ][HOST]/PATH` into the method and the route `otelhttp`
 * reports (the pattern minus method and host).
 */
export function parseGoPattern(pattern: string): { method: HttpMethod; route: string } {
  let rest = pattern.trim();
  let method: HttpMethod = '*';
  const m = /^([A-Z]+)\s+(.*)$/.exec(rest);
  if (m) {
    method = asHttpMethod(m[1]!) ?? '*';
    rest = m[2]!.trim();
  }
  const slash = rest.indexOf('/');
  if (slash > 0) rest = rest.slice(slash);
  return { method, route: rest };
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** An HTTP method by name in any case (`get`, `Get`, `GET`); `all`/`any` is `*`. */
export function asHttpMethod(name: string): HttpMethod | undefined {
  const upper = name.toUpperCase();
  if (METHODS.has(upper)) return upper as HttpMethod;
  if (upper === 'ALL' || upper === 'ANY' || upper === '*') return '*';
  return undefined;
}

/**
 * Whether a route definition answers a request as telemetry names it. A `*` definition (Express
 * `app.all`, Django) answers every method; a `GET` definition also answers `HEAD`, as every framework
 * here does.
 */
export function routeMatches(def: RouteDef, method: string, route: string): boolean {
  if (def.framework === 'grpc') return false;
  const m = method.toUpperCase();
  const methodOk = def.method === '*' || def.method === m || (def.method === 'GET' && m === 'HEAD');
  return methodOk && def.normalized === normalizeRoute(route);
}

/**
 * Whether a gRPC definition implements `service`/`method` (`rpc.service` `shop.OrderService`,
 * `rpc.method` `PlaceOrder`). A definition found without its proto package (`OrderService/PlaceOrder`,
 * when no generated stub named it) matches any package.
 */
export function rpcMatches(def: RouteDef, service: string, method: string): boolean {
  if (def.framework !== 'grpc') return false;
  const want = normalizeRpc(service, method);
  if (def.normalized === want) return true;
  return want.endsWith('.' + def.normalized) && !def.normalized.slice(0, def.normalized.indexOf('/')).includes('.');
}
