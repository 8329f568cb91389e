import { describe, expect, it } from 'vitest';
import { parseGroup } from '../../language-server/mapping/ambiguous-group';
import { resolveSpan } from '../../language-server/mapping/resolve';
import type { SpanResolution } from '../../language-server/mapping/types';
import { LiteralIndex, route, spanRecord, sym } from '../support/literal-index';

const INTERNAL = 1;
const CLIENT = 3;

const index = new LiteralIndex(
  [
    sym('src/orders/order-service.ts', 'OrderService', 3, 40, 'class'),
    sym('src/orders/order-service.ts', 'OrderService.place', 10, 24),
    sym('src/orders/order-service.ts', 'OrderService.cancel', 26, 39),
    sym('src/payments/payment-service.ts', 'PaymentService.charge', 5, 20),
    sym('src/payments/payment-service.ts', 'PaymentService.refund', 22, 30),
    // Two files that differ only above `src/`: a monorepo with two services.
    sym('services/api/src/handler.ts', 'handle', 0, 10, 'function'),
    sym('services/worker/src/handler.ts', 'process', 0, 10, 'function'),
    sym('src/http/routes.ts', 'getOrder', 5, 12, 'function'),
    sym('src/http/routes.ts', 'listOrders', 14, 20, 'function'),
    sym('src/http/admin.ts', 'getOrder', 3, 9, 'function'),
    sym('src/http/middleware.ts', 'requireAuth', 1, 8, 'function'),
    sym('src/grpc/orders-grpc.ts', 'OrdersGrpc.place', 4, 15),
    sym('src/main/java/com/shop/OrderService.java', 'com.shop.OrderService.place', 20, 30),
    sym('src/main/java/com/billing/OrderService.java', 'com.billing.OrderService.place', 20, 30),
    sym('app/orders/views.py', 'orders.views.place_order', 8, 15, 'function'),
  ],
  [
    route('express', 'GET', '/api/orders/:id', 'src/http/app.ts', 12, { file: 'src/http/routes.ts', line: 6 }),
    route('express', 'GET', '/api/orders', 'src/http/app.ts', 13, { name: 'listOrders' }),
    route('express', 'DELETE', '/api/orders/:id', 'src/http/app.ts', 14, { name: 'nowhere' }),
    route('fastify', 'GET', '/admin/orders/:id', 'src/http/admin.ts', 20, { file: 'src/http/admin.ts', line: 3 }),
    route('express', 'POST', '/api/checkout', 'src/http/app.ts', 15, { file: 'src/orders/order-service.ts', line: 12 }),
    route('express', 'POST', '/api/checkout', 'src/http/legacy.ts', 4, { file: 'src/payments/payment-service.ts', line: 6 }),
    route('grpc', '*', 'shop.v1.Orders/Place', 'src/grpc/orders-grpc.ts', 3, { name: 'OrdersGrpc.place' }),
  ],
);

function mapped(r: SpanResolution) {
  if (!r.mapped) throw new Error(`expected a mapping, got ${r.reason}: ${r.explanation}`);
  return r;
}
function unmapped(r: SpanResolution) {
  if (r.mapped) throw new Error(`expected no mapping, got ${r.fn.qualifiedName}: ${r.explanation}`);
  return r;
}

describe('code.* attributes (confidence 1.0)', () => {
  it('maps stable names through a container-prefixed path and the line', () => {
    const r = mapped(resolveSpan(spanRecord({
      'code.function.name': 'OrderService.place',
      'code.file.path': '/srv/app/src/orders/order-service.ts',
      'code.line.number': 15,
    }, { kind: INTERNAL }), index));
    expect(r.fn).toEqual({ file: 'src/orders/order-service.ts', qualifiedName: 'OrderService.place', line: 10 });
    expect([r.mappedBy, r.confidence]).toEqual(['code.function.name', 1]);
    expect(r.explanation).toContain('code.function.name=OrderService.place');
    expect(r.explanation).toContain('→ src/orders/order-service.ts');
  });

  it('maps the deprecated code.namespace + code.function, code.filepath and code.lineno', () => {
    const r = mapped(resolveSpan(spanRecord({
      'code.namespace': 'OrderService',
      'code.function': 'cancel',
      'code.filepath': '/build/src/orders/order-service.ts',
      'code.lineno': 30,
    }, { kind: INTERNAL }), index));
    expect(r.fn.qualifiedName).toBe('OrderService.cancel');
    expect(r.mappedBy).toBe('code.function');
    expect(r.explanation).toContain('code.namespace+code.function=OrderService.cancel');
    expect(r.explanation).toContain('code.filepath=');
  });

  it('lets the reported line decide when the name disagrees, and says so', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.function.name': 'OrderService.place', 'code.file.path': '/app/src/orders/order-service.ts', 'code.line.number': 28 }), index));
    expect(r.fn.qualifiedName).toBe('OrderService.cancel');
    expect(r.explanation).toContain('the line decides');
  });

  it('finds the function by name in the file when no line is given', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.function.name': 'PaymentService.refund', 'code.file.path': '/app/src/payments/payment-service.ts' }), index));
    expect(r.fn).toMatchObject({ qualifiedName: 'PaymentService.refund', line: 22 });
  });

  it('resolves code.function.name alone through the symbol table', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.function.name': 'PaymentService.charge' }, { kind: INTERNAL }), index));
    expect(r.fn).toMatchObject({ file: 'src/payments/payment-service.ts', qualifiedName: 'PaymentService.charge' });
    expect(r.mappedBy).toBe('code.function.name');
  });

  it('resolves a Python fully-qualified name by its suffix', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.function.name': 'views.place_order' }, { kind: INTERNAL }), index));
    expect(r.fn.qualifiedName).toBe('orders.views.place_order');
  });

  it('reports an ambiguous name as unmapped with every candidate, never picking one', () => {
    const r = unmapped(resolveSpan(spanRecord({ 'code.function.name': 'getOrder' }, { kind: INTERNAL }), index));
    expect(r.reason).toBe('ambiguous');
    expect(r.alternatives.map((a) => a.file).sort()).toEqual(['src/http/admin.ts', 'src/http/routes.ts']);
  });

  it('reports a path matching several workspace files as ambiguous, with the candidates', () => {
    const r = unmapped(resolveSpan(spanRecord({ 'code.file.path': '/app/src/handler.ts', 'code.line.number': 3 }, { kind: INTERNAL }), index));
    expect(r.reason).toBe('ambiguous');
    expect(r.alternatives.map((a) => a.qualifiedName).sort()).toEqual(['handle', 'process']);
    expect(r.explanation).toContain('matches 2 workspace files');
  });

  it('accepts one of several matching files only when the name and line single it out', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.function.name': 'process', 'code.file.path': '/app/src/handler.ts', 'code.line.number': 3 }, { kind: INTERNAL }), index));
    expect(r.fn.file).toBe('services/worker/src/handler.ts');
    expect(r.explanation).toContain('only services/worker/src/handler.ts has process');
  });

  it('builds the folder of a Java file from the class package', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.namespace': 'com.billing.OrderService', 'code.function': 'place', 'code.filepath': 'OrderService.java', 'code.lineno': 25 }, { kind: INTERNAL }), index));
    expect(r.fn.file).toBe('src/main/java/com/billing/OrderService.java');
  });

  it('names the failure: file not in the workspace, no function at the line', () => {
    const away = unmapped(resolveSpan(spanRecord({ 'code.file.path': '/app/src/elsewhere.ts', 'code.line.number': 3 }, { kind: INTERNAL }), index));
    expect(away.reason).toBe('file-not-in-workspace');
    expect(away.explanation).toContain('/app/src/elsewhere.ts matches no workspace file');
    const gap = unmapped(resolveSpan(spanRecord({ 'code.file.path': '/app/src/orders/order-service.ts', 'code.line.number': 100 }, { kind: INTERNAL }), index));
    expect(gap.reason).toBe('symbol-not-found');
    const noName = unmapped(resolveSpan(spanRecord({ 'code.function.name': 'Nope.never' }, { kind: INTERNAL }), index));
    expect(noName.reason).toBe('symbol-not-found');
  });

  it('attributes a client span to its calling function through code.*', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.function.name': 'PaymentService.charge', 'http.route': '/api/orders/:id', 'http.request.method': 'GET' }, { kind: CLIENT, name: 'GET' }), index));
    expect(r.fn.qualifiedName).toBe('PaymentService.charge');
  });
});

describe('routes and RPC (confidence 0.6)', () => {
  it('maps a SERVER span by method and route to the handler the extractor located', () => {
    const r = mapped(resolveSpan(spanRecord({ 'http.route': '/api/orders/{id}', 'http.request.method': 'GET' }, { name: 'GET /api/orders/{id}' }), index));
    expect(r.fn).toEqual({ file: 'src/http/routes.ts', qualifiedName: 'getOrder', line: 5 });
    expect([r.mappedBy, r.confidence, r.alternatives]).toEqual(['http.route', 0.6, []]);
    expect(r.explanation).toContain('registered at src/http/app.ts:13');
  });

  it('reads the deprecated http.method and a handler known only by name', () => {
    const r = mapped(resolveSpan(spanRecord({ 'http.route': '/api/orders', 'http.method': 'GET' }), index));
    expect(r.fn.qualifiedName).toBe('listOrders');
  });

  it('maps a route with several handlers to their group, never to one of them, with every candidate', () => {
    const r = mapped(resolveSpan(spanRecord({ 'http.route': '/api/checkout', 'http.request.method': 'POST' }), index));
    expect(r.alternatives.map((a) => a.qualifiedName)).toEqual(['OrderService.place', 'PaymentService.charge']);
    expect(parseGroup(r.fn)).toEqual({
      route: 'POST /api/checkout',
      candidates: [
        { file: 'src/orders/order-service.ts', qualifiedName: 'OrderService.place' },
        { file: 'src/payments/payment-service.ts', qualifiedName: 'PaymentService.charge' },
      ],
    });
    expect(r.explanation).toContain('ambiguous, 2 handlers');
    // The same spans always land on the same group.
    expect(mapped(resolveSpan(spanRecord({ 'http.route': '/api/checkout', 'http.request.method': 'POST' }), index)).fn).toEqual(r.fn);
  });

  it('says when the route is unknown, or its handler is not a workspace function', () => {
    const none = unmapped(resolveSpan(spanRecord({ 'http.route': '/api/unknown', 'http.request.method': 'GET' }), index));
    expect(none.reason).toBe('route-not-found');
    const anon = unmapped(resolveSpan(spanRecord({ 'http.route': '/api/orders/:id', 'http.request.method': 'DELETE' }), index));
    expect(anon.reason).toBe('symbol-not-found');
  });

  it('does not attribute INTERNAL layer spans or CLIENT spans by route', () => {
    const layer = unmapped(resolveSpan(spanRecord({ 'http.route': '/api/orders/:id', 'http.request.method': 'GET', 'express.type': 'request_handler', 'express.name': '/api/orders/:id' }, { kind: INTERNAL, name: 'request handler - /api/orders/:id' }), index));
    expect(layer.reason).toBe('no-code-signal');
    const client = unmapped(resolveSpan(spanRecord({ 'rpc.service': 'shop.v1.Orders', 'rpc.method': 'Place' }, { kind: CLIENT, name: 'shop.v1.Orders/Place' }), index));
    expect(client.reason).toBe('no-code-signal');
    expect(client.explanation).toContain('client span');
  });

  it('maps gRPC server spans by rpc.service + rpc.method and by a fully-qualified rpc.method', () => {
    const old = mapped(resolveSpan(spanRecord({ 'rpc.system': 'grpc', 'rpc.service': 'shop.v1.Orders', 'rpc.method': 'Place' }), index));
    expect([old.fn.qualifiedName, old.mappedBy]).toEqual(['OrdersGrpc.place', 'rpc.method']);
    const stable = mapped(resolveSpan(spanRecord({ 'rpc.system.name': 'grpc', 'rpc.method': 'shop.v1.Orders/Place' }), index));
    expect(stable.fn.qualifiedName).toBe('OrdersGrpc.place');
  });

  it('falls through a failed better signal to the route, and keeps the failure in the explanation', () => {
    const r = mapped(resolveSpan(spanRecord({ 'code.file.path': '/app/gone.ts', 'code.line.number': 2, 'http.route': '/api/orders', 'http.request.method': 'GET' }), index));
    expect(r.mappedBy).toBe('http.route');
    expect(r.explanation).toContain('tried first: code.file.path=/app/gone.ts:2');
  });
});

describe('framework extras (confidence 0.8)', () => {
  it('uses Fastify hook.callback.name, narrowed by the route when the name is shared', () => {
    const r = mapped(resolveSpan(spanRecord({ 'hook.callback.name': 'getOrder', 'fastify.type': 'handler', 'http.route': '/admin/orders/:id', 'http.request.method': 'GET' }, { kind: INTERNAL, name: 'handler - fastify -> @fastify/otel' }), index));
    expect(r.fn).toMatchObject({ file: 'src/http/admin.ts', qualifiedName: 'getOrder' });
    expect([r.mappedBy, r.confidence]).toEqual(['framework', 0.8]);
  });

  it('uses an Express middleware name that is a function name, not an anonymous one', () => {
    const r = mapped(resolveSpan(spanRecord({ 'express.type': 'middleware', 'express.name': 'requireAuth' }, { kind: INTERNAL, name: 'middleware - requireAuth' }), index));
    expect(r.fn.qualifiedName).toBe('requireAuth');
    const anon = unmapped(resolveSpan(spanRecord({ 'express.type': 'middleware', 'express.name': '<anonymous>' }, { kind: INTERNAL, name: 'middleware - <anonymous>' }), index));
    expect(anon.reason).toBe('no-code-signal');
  });

  it('treats Rails controller/action on the SERVER span as a framework signal', () => {
    const rails = new LiteralIndex([sym('app/controllers/orders_controller.rb', 'OrdersController.create', 4, 12)]);
    const r = mapped(resolveSpan(spanRecord({ 'code.namespace': 'OrdersController', 'code.function': 'create', 'http.route': '/orders' }, { name: 'OrdersController#create' }), rails));
    expect([r.fn.qualifiedName, r.mappedBy, r.confidence]).toEqual(['OrdersController.create', 'framework', 0.8]);
  });
});

describe('stack signals on spans (confidence 0.9)', () => {
  it('maps by the innermost workspace frame of code.stacktrace', () => {
    const stack = [
      'java.lang.Throwable',
      '\tat io.opentelemetry.contrib.stacktrace.StackTraceSpanProcessor.onEnd(StackTraceSpanProcessor.java:50)',
      '\tat com.billing.OrderService.place(OrderService.java:22)',
      '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)',
    ].join('\n');
    const r = mapped(resolveSpan(spanRecord({ 'code.stacktrace': stack }, { kind: INTERNAL }), index));
    expect([r.fn.file, r.mappedBy, r.confidence]).toEqual(['src/main/java/com/billing/OrderService.java', 'code.stacktrace', 0.9]);
    expect(r.explanation).toContain('at com.billing.OrderService.place(OrderService.java:22)');
  });

  it('maps by Datadog code-origin frames', () => {
    const r = mapped(resolveSpan(spanRecord({
      '_dd.code_origin.type': 'entry',
      '_dd.code_origin.frames.0.file': '/usr/src/app/src/payments/payment-service.ts',
      '_dd.code_origin.frames.0.line': 7,
      '_dd.code_origin.frames.0.method': 'charge',
      '_dd.code_origin.frames.0.type': 'PaymentService',
    }), index));
    expect([r.fn.qualifiedName, r.mappedBy, r.confidence]).toEqual(['PaymentService.charge', 'dd.code_origin', 0.9]);
  });
});

describe('span names (confidence 0.4) and nothing at all', () => {
  it('maps a manual span named like a workspace symbol', () => {
    const r = mapped(resolveSpan(spanRecord({}, { kind: INTERNAL, name: 'OrderService.cancel' }), index));
    expect([r.fn.qualifiedName, r.mappedBy, r.confidence]).toEqual(['OrderService.cancel', 'span.name', 0.4]);
  });

  it('leaves spans without any usable signal unmapped as no-code-signal, naming the span', () => {
    const r = unmapped(resolveSpan(spanRecord({ 'http.request.method': 'GET' }, { name: 'GET' }), index));
    expect(r.reason).toBe('no-code-signal');
    expect(r.explanation).toContain('"GET"');
    const db = unmapped(resolveSpan(spanRecord({ 'db.system': 'postgresql' }, { kind: CLIENT, name: 'OrderService.cancel' }), index));
    expect(db.reason).toBe('no-code-signal');
  });
});
