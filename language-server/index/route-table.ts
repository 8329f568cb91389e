/**
 * The joined routes of the workspace, looked up by method + route as telemetry reports them, and by
 * gRPC service + method. Normalisation and matching rules belong to the route extractor
 * (`./routes/normalize`); this table only indexes its output.
 */
import { normalizeRoute, routeMatches, rpcMatches } from './routes/normalize';
import type { RouteDef, SymbolDef } from './types';

export class RouteTable {
  private readonly http = new Map<string, RouteDef[]>();
  private readonly rpc: RouteDef[] = [];

  /**
   * @param resolve turns a definition's `handlerFile`/`handlerLine` into the symbol there, so the
   *   handler is named the way the symbol index names it, whatever the extractor called it
   */
  constructor(routes: readonly RouteDef[], resolve: (file: string, line: number) => SymbolDef | undefined) {
    for (const raw of routes) {
      const def = withResolvedHandler(raw, resolve);
      if (def.framework === 'grpc') {
        this.rpc.push(def);
        continue;
      }
      let list = this.http.get(def.normalized);
      if (!list) {
        list = [];
        this.http.set(def.normalized, list);
      }
      list.push(def);
    }
  }

  static empty(): RouteTable {
    return new RouteTable([], () => undefined);
  }

  all(): RouteDef[] {
    return [...[...this.http.values()].flat(), ...this.rpc];
  }

  routesFor(method: string, route: string): RouteDef[] {
    const candidates = this.http.get(normalizeRoute(route)) ?? [];
    return candidates.filter((def) => routeMatches(def, method, route));
  }

  rpcHandlers(service: string, method: string): RouteDef[] {
    return this.rpc.filter((def) => rpcMatches(def, service, method));
  }
}

function withResolvedHandler(def: RouteDef, resolve: (file: string, line: number) => SymbolDef | undefined): RouteDef {
  if (def.handlerFile === null || def.handlerLine === null) return def;
  const symbol = resolve(def.handlerFile, def.handlerLine);
  return symbol && symbol.qualifiedName !== def.handler ? { ...def, handler: symbol.qualifiedName } : def;
}
