/**
 * Spans shaped the way each language's real OpenTelemetry instrumentation emits them: the span
 * kind, the span name, and the exact attribute names and route formats of each framework and
 * semantic-convention generation (reference mapping-and-statistics.md §1.2–1.4). Tests send these
 * through the real SDK (`sendSpans`), so what reaches the collector is what a service would send.
 *
 * Sources, per builder: @opentelemetry/instrumentation-http and -express 0.52 (old HTTP semconv by
 * default, `OTEL_SEMCONV_STABILITY_OPT_IN=http` for the new names), @fastify/otel, 
 * @opentelemetry/instrumentation-nestjs-core, opentelemetry-python-contrib (Flask `url_rule.rule`,
 * Django `resolver_match.route` without a leading slash, FastAPI `route.path`), the Java agent 2.x
 * (stable HTTP names, legacy `code.namespace`/`code.function` on controller spans unless
 * `otel.semconv-stability.opt-in=code`), Go otelhttp (no `http.route` before `Request.Pattern`
 * support; the route then only shows in a span name set by a span-name formatter) and the gRPC
 * instrumentations of each language.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { SpanSpec } from './otel';

export type HttpSemconv = 'old' | 'new';

export interface HttpRequestShape {
  method: string;
  /** The route exactly as the framework reports it. */
  route: string;
  /** A concrete path for `http.target` / `url.path`; default: the route. */
  path?: string;
  status?: number;
  semconv?: HttpSemconv;
  durationMs?: number;
  /** Marks the span as failed with this exception event (see `exceptionFrom`). */
  exception?: Error;
}

const STACKS = path.resolve(__dirname, '../fixtures/stacks');

/** The HTTP request attributes of one generation: `http.method`… or `http.request.method`…. */
function httpAttributes(r: HttpRequestShape, withRoute: boolean): Attributes {
  const status = r.status ?? (r.exception ? 500 : 200);
  const target = r.path ?? r.route;
  const route: Attributes = withRoute ? { 'http.route': r.route } : {};
  if ((r.semconv ?? 'old') === 'old') {
    return { 'http.method': r.method, 'http.target': target, 'http.scheme': 'http', 'http.status_code': status, 'net.host.name': 'localhost', ...route };
  }
  return { 'http.request.method': r.method, 'url.path': target, 'url.scheme': 'http', 'http.response.status_code': status, 'server.address': 'localhost', ...route };
}

function withError(spec: SpanSpec, r: { exception?: Error }): SpanSpec {
  return r.exception ? { ...spec, error: { message: r.exception.message, exception: r.exception } } : spec;
}

/**
 * The SERVER span of instrumentation-http once instrumentation-express (or -fastify) has set
 * `http.route` on it and renamed it `GET /api/orders/:id`.
 */
export function nodeHttpServer(r: HttpRequestShape): SpanSpec {
  return withError({ name: `${r.method} ${r.route}`, kind: SpanKind.SERVER, durationMs: r.durationMs ?? 12, attributes: httpAttributes(r, true) }, r);
}

/** An Express layer span: `request handler - /route` or `middleware - <fn name>`, INTERNAL. */
export function expressLayer(r: { type: 'middleware' | 'request_handler' | 'router'; name: string; route: string; durationMs?: number }): SpanSpec {
  const prefix = r.type === 'request_handler' ? 'request handler' : r.type;
  return {
    name: `${prefix} - ${r.name}`,
    kind: SpanKind.INTERNAL,
    durationMs: r.durationMs ?? 3,
    attributes: { 'express.name': r.name, 'express.type': r.type, 'http.route': r.route },
  };
}

/** The handler span of `@fastify/otel`: `hook.callback.name` is the handler function's name. */
export function fastifyHandler(r: { plugin: string; handler: string; route: string; method: string; durationMs?: number; exception?: Error }): SpanSpec {
  return withError(
    {
      name: `handler - ${r.handler}`,
      kind: SpanKind.INTERNAL,
      durationMs: r.durationMs ?? 8,
      attributes: {
        'hook.name': `${r.plugin} - route-handler`,
        'fastify.type': 'request-handler',
        'hook.callback.name': r.handler,
        'http.route': r.route,
        'http.request.method': r.method,
      },
    },
    r,
  );
}

/** The handler span of instrumentation-nestjs-core: named `Controller.method`, INTERNAL. */
export function nestHandler(r: { controller: string; callback: string; route: string; method: string; durationMs?: number }): SpanSpec {
  return {
    name: `${r.controller}.${r.callback}`,
    kind: SpanKind.INTERNAL,
    durationMs: r.durationMs ?? 6,
    attributes: {
      component: '@nestjs/core',
      'nestjs.type': 'handler',
      'nestjs.controller': r.controller,
      'nestjs.callback': r.callback,
      'http.route': r.route,
      'http.method': r.method,
      'http.url': r.route,
    },
  };
}

/**
 * The SERVER span of opentelemetry-instrumentation-flask / -fastapi / -django: named
 * `GET <route>` with the route exactly as the framework writes it (`/api/orders/<int:order_id>`,
 * `/api/v1/orders/{order_id}`, `api/orders/<int:pk>/`).
 */
export function pythonServer(r: HttpRequestShape): SpanSpec {
  return withError({ name: `${r.method} ${r.route}`, kind: SpanKind.SERVER, durationMs: r.durationMs ?? 15, attributes: httpAttributes(r, true) }, r);
}

/** The Java agent 2.x SERVER span (stable HTTP names since 2.0). */
export function javaServer(r: Omit<HttpRequestShape, 'semconv'>): SpanSpec {
  return withError({ name: `${r.method} ${r.route}`, kind: SpanKind.SERVER, durationMs: r.durationMs ?? 20, attributes: httpAttributes({ ...r, semconv: 'new' }, true) }, r);
}

/**
 * The Java agent's Spring controller span (`OrderController.get`, INTERNAL; on with
 * `OTEL_INSTRUMENTATION_COMMON_EXPERIMENTAL_CONTROLLER_TELEMETRY_ENABLED=true`). Code attributes are
 * the legacy pair by default in 2.x, `code.function.name` with `otel.semconv-stability.opt-in=code`.
 */
export function javaController(r: { className: string; method: string; semconv?: 'legacy' | 'stable'; durationMs?: number; exception?: Error }): SpanSpec {
  const simple = r.className.slice(r.className.lastIndexOf('.') + 1);
  const code: Attributes = (r.semconv ?? 'legacy') === 'legacy' ? { 'code.namespace': r.className, 'code.function': r.method } : { 'code.function.name': `${r.className}.${r.method}` };
  return withError({ name: `${simple}.${r.method}`, kind: SpanKind.INTERNAL, durationMs: r.durationMs ?? 18, attributes: code }, r);
}

/**
 * Go otelhttp's SERVER span. `generation: 'pattern'` is otelhttp with Go 1.23's `Request.Pattern`:
 * `http.route` is the pattern without its method. `generation: 'name-only'` is older otelhttp, which
 * sets no route; services that want one pass a span-name formatter returning `r.Pattern`
 * (`GET /orders/{id}`), so the route only shows in the span name.
 */
export function goServer(r: HttpRequestShape & { generation: 'pattern' | 'name-only' }): SpanSpec {
  const withRoute = r.generation === 'pattern';
  return withError({ name: `${r.method} ${r.route}`, kind: SpanKind.SERVER, durationMs: r.durationMs ?? 4, attributes: httpAttributes(r, withRoute) }, r);
}

export type GrpcFlavour = 'node' | 'python' | 'java' | 'go';

/**
 * A gRPC SERVER span. Every language sets `rpc.system`, `rpc.service` (the full proto service name)
 * and `rpc.method`; the span name differs: Node `grpc.pkg.Svc/Method`, Python `/pkg.Svc/Method`,
 * Java and Go `pkg.Svc/Method`.
 */
export function grpcServer(r: { service: string; method: string; flavour: GrpcFlavour; durationMs?: number; exception?: Error }): SpanSpec {
  const full = `${r.service}/${r.method}`;
  const name = r.flavour === 'node' ? `grpc.${full}` : r.flavour === 'python' ? `/${full}` : full;
  return withError(
    {
      name,
      kind: SpanKind.SERVER,
      durationMs: r.durationMs ?? 5,
      attributes: { 'rpc.system': 'grpc', 'rpc.service': r.service, 'rpc.method': r.method, 'rpc.grpc.status_code': r.exception ? 13 : 0 },
    },
    r,
  );
}

/**
 * An exception as the SDK's `recordException` turns it into an `exception` event: `exception.type`
 * from the name, `exception.message`, and `exception.stacktrace` from `stack`, here the real trace
 * printed by a runtime (`test/fixtures/stacks/<file>`).
 */
export function exceptionFrom(stackFile: string, type: string, message: string): Error {
  const err = new Error(message);
  err.name = type;
  err.stack = readFileSync(path.join(STACKS, stackFile), 'utf8');
  return err;
}

/** `n` copies of a span spec, so counts in assertions are not all 1. */
export function times(n: number, spec: SpanSpec): SpanSpec[] {
  return Array.from({ length: n }, () => spec);
}
