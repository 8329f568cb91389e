/**
 * A plain `WorkspaceIndexView` over literal arrays of symbols and routes. It exists so the mapping
 * logic can be tested on exactly the symbols a case needs; the real index (tree-sitter over a
 * workspace folder) is tested on its own and together with the mapper in integration tests.
 */
import type { Attributes, SpanRecord } from '../../language-server/ingest/span';
import type { RouteDef, SymbolDef, SymbolKind, WorkspaceIndexView } from '../../language-server/index/types';

const PARAM = /:[A-Za-z_]\w*\??|\{[^}]*\}|<[^>]*>/g;

export function normalizeRoute(route: string): string {
  const withSlash = route.startsWith('/') ? route : `/${route}`;
  const trimmed = withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
  return trimmed.replace(PARAM, '{}');
}

export class LiteralIndex implements WorkspaceIndexView {
  constructor(
    private readonly symbols: readonly SymbolDef[],
    private readonly routes: readonly RouteDef[] = [],
    private readonly extraFiles: readonly string[] = [],
  ) {}

  files(): Iterable<string> {
    return new Set([...this.symbols.map((s) => s.file), ...this.routes.map((r) => r.file), ...this.extraFiles]);
  }

  symbolsIn(file: string): readonly SymbolDef[] {
    return this.symbols.filter((s) => s.file === file);
  }

  enclosingSymbol(file: string, line: number): SymbolDef | undefined {
    let best: SymbolDef | undefined;
    for (const s of this.symbolsIn(file)) {
      if (s.kind === 'class' || line < s.startLine || line > s.endLine) continue;
      if (best === undefined || s.endLine - s.startLine < best.endLine - best.startLine) best = s;
    }
    return best;
  }

  /** Files sharing the longest trailing run of path segments with the production path. */
  filesForPath(productionPath: string): string[] {
    const wanted = productionPath.split('/').filter((p) => p !== '');
    let best = 0;
    let matches: string[] = [];
    for (const file of this.files()) {
      const have = file.split('/');
      let n = 0;
      while (n < have.length && n < wanted.length && have[have.length - 1 - n] === wanted[wanted.length - 1 - n]) n++;
      if (n === 0 || n < best) continue;
      if (n > best) {
        best = n;
        matches = [];
      }
      matches.push(file);
    }
    return matches;
  }

  symbolsNamed(name: string): SymbolDef[] {
    return this.symbols.filter((s) => s.qualifiedName === name || s.qualifiedName.endsWith(`.${name}`) || s.qualifiedName.endsWith(`::${name}`));
  }

  routesFor(method: string, route: string): RouteDef[] {
    const normalized = normalizeRoute(route);
    const m = method.toUpperCase();
    return this.routes.filter((r) => r.framework !== 'grpc' && r.normalized === normalized && (r.method === m || r.method === '*'));
  }

  rpcHandlers(service: string, method: string): RouteDef[] {
    return this.routes.filter((r) => r.framework === 'grpc' && r.route === `${service}/${method}`);
  }
}

/** A symbol with the fields tests do not care about filled in. */
export function sym(file: string, qualifiedName: string, startLine: number, endLine: number, kind: SymbolKind = 'method'): SymbolDef {
  const name = qualifiedName.slice(Math.max(qualifiedName.lastIndexOf('.'), qualifiedName.lastIndexOf(')')) + 1);
  const language = file.endsWith('.py') ? 'python' : file.endsWith('.go') ? 'go' : file.endsWith('.java') ? 'java' : file.endsWith('.js') ? 'javascript' : 'typescript';
  return { file, language, kind, name, qualifiedName, startLine, endLine, bodyHash: `${file}:${startLine}` };
}

export function route(
  framework: RouteDef['framework'],
  method: RouteDef['method'],
  path: string,
  file: string,
  line: number,
  handler: { name?: string; file?: string; line?: number },
): RouteDef {
  return {
    file,
    framework,
    method,
    route: path,
    normalized: framework === 'grpc' ? path : normalizeRoute(path),
    handler: handler.name ?? null,
    handlerFile: handler.file ?? null,
    handlerLine: handler.line ?? null,
    line,
  };
}

/** A span as ingest hands it to the mapper, with only the fields mapping reads set by the caller. */
export function spanRecord(attributes: Attributes, overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: null,
    name: 'span',
    kind: 2,
    startNs: 1_700_000_000_000_000_000n,
    durationNs: 1_000_000,
    statusCode: 0,
    statusMessage: '',
    service: 'shop',
    environment: 'prod',
    version: '1.0.0',
    commit: null,
    resource: {},
    attributes,
    exceptions: [],
    ...overrides,
  };
}
