/**
 * Span → workspace function (reference §1.5). Signals are tried best first; the first that lands
 * on a function wins, and the confidence is the signal's tier:
 *
 *   1.0  code.* attributes (stable or legacy names)
 *   0.9  code.stacktrace, Datadog code-origin frames
 *   0.8  framework extras: Fastify hook.callback.name, Express middleware names, Rails code.*
 *   0.6  http.route + method, rpc.service + rpc.method, against the workspace route index
 *   0.4  a span name equal to a workspace symbol (`OrderService.place`)
 *
 * Which spans count as calls of which function, by span kind:
 * - SERVER and CONSUMER spans are entry points and may use every signal.
 * - CLIENT and PRODUCER spans describe an outbound call. Their route, rpc and name attributes
 *   describe the remote side, so they are never attributed to a handler in this workspace (a gRPC
 *   client span for `Orders/Place` is not a call of the local `Place` implementation). They map only
 *   through code.* or stack signals, which name the calling function.
 * - INTERNAL spans use every signal except routes: framework layer spans (Express middleware and
 *   request_handler layers) inherit `http.route` from their request, and matching them by route
 *   would count the request once more on its handler.
 */
import type { SpanRecord } from '../ingest/span';
import type { RouteDef } from '../index/types';
import { readCodeSignals, type CodeSignals } from './attributes';
import { groupRef } from './ambiguous-group';
import { attributeNames } from './frame-names';
import { javaClassOf, locateByName, locateByPath, toRef, type DeployedLines, type Located } from './locate';
import { parseStackTrace } from './stack-frames';
import { innermostWorkspaceFrame, isHit } from './thrown-here';
import type { FunctionRef, MappingIndex, SpanResolution } from './types';
import type { MappedBy } from '@protocol/model';

type Unmapped = Extract<SpanResolution, { mapped: false }>;
/**
 * A tier returns null when the span does not carry its signal at all. `lines` moves lines reported by
 * the span's deployed commit onto the workspace (locate.ts); without it lines are taken as reported.
 */
type Tier = (s: CodeSignals, index: MappingIndex, lines?: DeployedLines) => SpanResolution | null;

const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)*$/;
const JS_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const ANONYMOUS = /^(?:anonymous|<anonymous>|bound anonymous)$/;
const METHOD_IN_ROUTE = /^([A-Z]+) (\/.*)$/;
const JVM_SOURCE = /\.(?:java|kt|scala|groovy)$/;

function isJvmSource(path: string): boolean {
  return JVM_SOURCE.test(path);
}

/**
 * Path mappings, source maps, Go module paths and JVM class lookup belong to the index
 * (`WorkspaceIndexOptions.pathMappings`); the mapper asks it with production paths as reported.
 */
export function resolveSpan(span: SpanRecord, index: MappingIndex): SpanResolution {
  return resolveSignals(readCodeSignals(span), index);
}

export function resolveSignals(s: CodeSignals, index: MappingIndex, lines?: DeployedLines): SpanResolution {
  const outbound = s.kind === 'client' || s.kind === 'producer';
  const entry = s.kind === 'server' || s.kind === 'consumer';
  const tiers: Tier[] = outbound ? [codeAttributes, stackSignals] : entry ? ALL_TIERS : INTERNAL_TIERS;
  const misses: Unmapped[] = [];
  for (const tier of tiers) {
    const r = tier(s, index, lines);
    if (r === null) continue;
    if (r.mapped) {
      if (misses.length > 0) r.explanation += `; tried first: ${misses.map((m) => m.explanation).join('; ')}`;
      return r;
    }
    misses.push(r);
  }
  if (misses.length > 0) return misses[0]!;
  const why = outbound ? `${s.kind} span without code.* or stack attributes (outbound calls are not attributed by route or name)` : 'no code.*, stack, framework, route or matching span-name signal';
  return { mapped: false, reason: 'no-code-signal', explanation: `"${s.spanName}": ${why}`, alternatives: [] };
}

function fromLocated(located: Located, mappedBy: MappedBy, confidence: number, signal: string): SpanResolution {
  switch (located.kind) {
    case 'found':
      return { mapped: true, fn: located.fn, mappedBy, confidence, explanation: `matched by ${signal}: ${located.detail}`, alternatives: located.alternatives ?? [] };
    case 'ambiguous':
      return { mapped: false, reason: 'ambiguous', explanation: `${signal} is ambiguous: ${located.detail}`, alternatives: located.alternatives };
    default:
      return { mapped: false, reason: located.kind, explanation: `${signal}: ${located.detail}`, alternatives: [] };
  }
}

/** Rails puts the controller and action in the legacy pair on the Rack SERVER span, without a file. */
function isRailsPair(s: CodeSignals): boolean {
  return s.kind === 'server' && s.functionName === null && s.filePath === null && s.legacyFunction !== null && s.legacyNamespace !== null;
}

function legacyName(s: CodeSignals): string | null {
  if (s.legacyFunction === null) return null;
  return s.legacyNamespace === null ? s.legacyFunction : `${s.legacyNamespace}.${s.legacyFunction}`;
}

const codeAttributes: Tier = (s, index, lines) => {
  if (isRailsPair(s)) return null;
  const fn = s.functionName ?? legacyName(s);
  if (fn === null && s.filePath === null) return null;
  const mappedBy: MappedBy = s.functionName !== null ? 'code.function.name' : s.legacyFunction !== null ? 'code.function' : 'code.file.path';
  const names = fn === null ? [] : attributeNames(fn);
  const signal = describeCode(s, fn);
  if (s.filePath === null) return fromLocated(locateByName(index, names), mappedBy, 1.0, signal);
  const javaClass = isJvmSource(s.filePath) && fn !== null ? javaClassOf(fn) : undefined;
  return fromLocated(locateByPath(index, { path: s.filePath, line: s.line, column: s.column, javaClass }, names, lines), mappedBy, 1.0, signal);
};

function describeCode(s: CodeSignals, fn: string | null): string {
  const parts: string[] = [];
  if (s.functionName !== null) parts.push(`code.function.name=${s.functionName}`);
  else if (fn !== null) parts.push(s.legacyNamespace === null ? `code.function=${fn}` : `code.namespace+code.function=${fn}`);
  if (s.filePath !== null) parts.push(`${s.filePathAttribute}=${s.filePath}${s.line === null ? '' : `:${s.line}`}`);
  return parts.join(', ');
}

const stackSignals: Tier = (s, index, lines) => {
  if (s.stacktrace !== null) {
    const stack = parseStackTrace(s.stacktrace);
    const r = innermostWorkspaceFrame(index, stack.runtime, stack.frames, lines);
    if (isHit(r)) return { mapped: true, fn: r.fn, mappedBy: 'code.stacktrace', confidence: 0.9, explanation: `matched by code.stacktrace frame "${r.frame.raw}": ${r.detail}`, alternatives: [] };
    if (s.codeOrigin.length === 0) return { mapped: false, reason: r.reason, explanation: `code.stacktrace: ${r.detail}`, alternatives: r.alternatives };
  }
  if (s.codeOrigin.length === 0) return null;
  let first: SpanResolution | null = null;
  for (const [i, frame] of s.codeOrigin.entries()) {
    const fn = frame.method === null ? null : frame.type === null ? frame.method : `${frame.type}.${frame.method}`;
    const names = fn === null ? [] : attributeNames(fn);
    const javaClass = isJvmSource(frame.file) ? frame.type ?? undefined : undefined;
    const loc = { path: frame.file, line: frame.line, column: frame.column, javaClass };
    const r = fromLocated(locateByPath(index, loc, names, lines), 'dd.code_origin', 0.9, `_dd.code_origin.frames.${i} ${frame.file}${frame.line === null ? '' : `:${frame.line}`}`);
    if (r.mapped || r.reason === 'ambiguous') return r;
    first ??= r;
  }
  return first;
};

const frameworkExtras: Tier = (s, index) => {
  if (s.fastifyHandler !== null && !ANONYMOUS.test(s.fastifyHandler)) {
    const located = narrowByRoute(locateByName(index, [s.fastifyHandler]), s, index);
    return fromLocated(located, 'framework', 0.8, `hook.callback.name=${s.fastifyHandler}`);
  }
  if (s.expressType === 'middleware' && s.expressName !== null && JS_IDENTIFIER.test(s.expressName) && !ANONYMOUS.test(s.expressName)) {
    return fromLocated(locateByName(index, [s.expressName]), 'framework', 0.8, `express.name=${s.expressName} (middleware)`);
  }
  if (isRailsPair(s)) {
    const fn = legacyName(s)!;
    return fromLocated(locateByName(index, attributeNames(fn)), 'framework', 0.8, `Rails code.namespace+code.function=${fn}`);
  }
  return null;
};

/** When a handler name is shared by several functions, the span's route may single one out. */
function narrowByRoute(located: Located, s: CodeSignals, index: MappingIndex): Located {
  if (located.kind !== 'ambiguous' || s.httpRoute === null) return located;
  const viaRoute = handlersOf(index.routesFor(s.httpMethod ?? '*', s.httpRoute), index);
  const both = located.alternatives.filter((a) => viaRoute.some((r) => sameRef(a, r)));
  if (both.length !== 1) return located;
  return { kind: 'found', fn: both[0]!, detail: `${located.detail}; http.route ${s.httpRoute} singles out ${both[0]!.file}` };
}

const routes: Tier = (s, index) => {
  const httpRoute = s.httpRoute ?? routeInSpanName(s);
  if (httpRoute !== null) {
    const m = METHOD_IN_ROUTE.exec(httpRoute);
    const method = m?.[1] ?? s.httpMethod ?? '*';
    const route = m?.[2] ?? httpRoute;
    const signal = s.httpRoute === null ? `span name ${method} ${route} (no http.route)` : `http.route ${method} ${route}`;
    return fromRoutes(index.routesFor(method, route), index, 'http.route', signal, `${method} ${route}`);
  }
  if (s.rpcMethod !== null && s.rpcService !== null) {
    const rpc = `rpc ${s.rpcService}/${s.rpcMethod}`;
    return fromRoutes(index.rpcHandlers(s.rpcService, s.rpcMethod), index, 'rpc.method', rpc, rpc);
  }
  return null;
};

/**
 * Go's otelhttp before `Request.Pattern` support sets no `http.route`; services that want routes
 * name the SERVER span from the Go 1.22 mux pattern (`GET /orders/{id}`) with a span-name formatter.
 * Only a SERVER span's name is read this way: other kinds name remote or internal operations.
 */
function routeInSpanName(s: CodeSignals): string | null {
  return s.kind === 'server' && METHOD_IN_ROUTE.test(s.spanName) ? s.spanName : null;
}

/**
 * Several handlers for one route are all candidates: the calls go to the group's virtual function
 * (`ambiguous-group.ts`), which every candidate shows, with the candidates as alternatives.
 */
function fromRoutes(defs: RouteDef[], index: MappingIndex, mappedBy: MappedBy, signal: string, route: string): SpanResolution {
  if (defs.length === 0) return { mapped: false, reason: 'route-not-found', explanation: `${signal}: no matching registration in the workspace`, alternatives: [] };
  const fns = handlersOf(defs, index);
  const where = defs.map((d) => `${d.file}:${d.line + 1}`).join(', ');
  const fn = fns[0];
  if (fn === undefined) return { mapped: false, reason: 'symbol-not-found', explanation: `${signal}: registered at ${where}, but its handler is not a workspace function`, alternatives: [] };
  if (fns.length === 1) return { mapped: true, fn, mappedBy, confidence: 0.6, explanation: `matched by ${signal}: registered at ${where} → ${fn.qualifiedName}`, alternatives: [] };
  // Sorted, so the group is the same whatever order the workspace was walked in.
  const sorted = [...fns].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  const names = sorted.map((f) => `${f.qualifiedName} (${f.file})`).join(', ');
  return { mapped: true, fn: groupRef(route, sorted), mappedBy, confidence: 0.6, explanation: `matched by ${signal}: ambiguous, ${fns.length} handlers registered at ${where}: ${names}`, alternatives: sorted };
}

function handlersOf(defs: readonly RouteDef[], index: MappingIndex): FunctionRef[] {
  const out: FunctionRef[] = [];
  for (const def of defs) {
    const fn = handlerOf(def, index);
    if (fn !== null && !out.some((o) => sameRef(o, fn))) out.push(fn);
  }
  return out;
}

function handlerOf(def: RouteDef, index: MappingIndex): FunctionRef | null {
  if (def.handlerFile !== null && def.handlerLine !== null) {
    const sym = index.enclosingSymbol(def.handlerFile, def.handlerLine);
    if (sym !== undefined) return toRef(sym);
  }
  if (def.handler === null) return null;
  const named = index.symbolsNamed(def.handler);
  const local = named.filter((n) => n.file === (def.handlerFile ?? def.file));
  const pick = local.length === 1 ? local : named;
  return pick.length === 1 ? toRef(pick[0]!) : null;
}

function sameRef(a: FunctionRef, b: FunctionRef): boolean {
  return a.file === b.file && a.line === b.line && a.qualifiedName === b.qualifiedName;
}

const spanName: Tier = (s, index) => {
  const name = s.spanName;
  if (!IDENTIFIER_PATH.test(name)) return null;
  const located = locateByName(index, attributeNames(name));
  // A bare word that names nothing is ordinary for span names ("query", "connect"); it is no
  // evidence of a missing function, so it reports no signal rather than a failed one.
  if (located.kind === 'symbol-not-found') return null;
  return fromLocated(located, 'span.name', 0.4, `span name ${name}`);
};

const ALL_TIERS: Tier[] = [codeAttributes, stackSignals, frameworkExtras, routes, spanName];
const INTERNAL_TIERS: Tier[] = [codeAttributes, stackSignals, frameworkExtras, spanName];
