/**
 * Go and Java services end to end: otelhttp SERVER spans of both generations (route in `http.route`,
 * or only in a span name set from the Go 1.22 mux pattern), the Java agent 2.x's SERVER and Spring
 * controller spans (legacy `code.namespace`/`code.function` by default, `code.function.name` with the
 * opt-in), and gRPC in both, through the real collector, index and engine.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { goServer, grpcServer, javaController, javaServer, times } from '../support/instrumentation-shapes';
import { expectLanded, runThroughEngine } from './mapping-harness';

const WORKSPACES = path.resolve(__dirname, '../fixtures/workspaces');

describe('Go net/http (otelhttp) and grpc-go', () => {
  const root = path.join(WORKSPACES, 'go-http');

  it('maps {id} patterns from http.route or, without one, from the span name; gRPC by rpc.service', async () => {
    const run = await runThroughEngine({
      root,
      service: 'go-shop',
      spans: [
        ...times(2, goServer({ generation: 'pattern', method: 'GET', route: '/orders/{id}', semconv: 'new' })),
        ...times(3, goServer({ generation: 'name-only', method: 'PUT', route: '/users/{id}' })),
        goServer({ generation: 'name-only', method: 'GET', route: '/users/{id}', semconv: 'new' }),
        goServer({ generation: 'pattern', method: 'GET', route: '/healthz' }),
        ...times(2, grpcServer({ service: 'shop.v1.OrderService', method: 'GetOrder', flavour: 'go' })),
        grpcServer({ service: 'shop.v1.OrderService', method: 'PlaceOrder', flavour: 'go' }),
      ],
    });
    expectLanded(root, run, { file: 'internal/orders/server.go', symbol: '(*Server).GetOrder', declaration: 'func (s *Server) GetOrder(', mappedBy: 'http.route', requests: 2 });
    expectLanded(root, run, { file: 'internal/users/handler.go', symbol: '(*Handler).Update', declaration: 'func (h *Handler) Update(', mappedBy: 'http.route', requests: 3 });
    expectLanded(root, run, { file: 'internal/users/handler.go', symbol: '(*Handler).Get', declaration: 'func (h *Handler) Get(', mappedBy: 'http.route', requests: 1 });
    expectLanded(root, run, { file: 'internal/health/health.go', symbol: 'Check', declaration: 'func Check(', mappedBy: 'http.route', requests: 1 });
    // GetOrder is also a method of orders.Server and of the generated stub: rpc.service decides.
    expectLanded(root, run, { file: 'internal/grpcserver/order_query.go', symbol: '(*OrderService).GetOrder', declaration: 'GetOrder(ctx', mappedBy: 'rpc.method', requests: 2 });
    expectLanded(root, run, { file: 'internal/grpcserver/order_service.go', symbol: '(*OrderService).PlaceOrder', declaration: 'PlaceOrder(ctx', mappedBy: 'rpc.method', requests: 1 });
    expect(run.functions.filter((f) => f.file.startsWith('gen/'))).toEqual([]);
    expect(run.unmapped).toEqual([]);
  });

  it('maps a route whose handler is a func literal onto the literal, named after its registration', async () => {
    const run = await runThroughEngine({ root, service: 'go-shop', spans: times(2, goServer({ generation: 'pattern', method: 'DELETE', route: '/orders/{id}', semconv: 'new' })) });
    expectLanded(root, run, { file: 'cmd/server/main.go', symbol: 'mux.HandleFunc("DELETE /orders/{id}")', declaration: 'mux.HandleFunc("DELETE /orders/{id}", func(', mappedBy: 'http.route', requests: 2 });
    expect(run.functions).toHaveLength(1);
  });
});

describe('Java Spring (Java agent 2.x) and grpc-java', () => {
  const root = path.join(WORKSPACES, 'java-spring');
  const orders = 'src/main/java/com/shop/orders/OrderController.java';

  it('maps SERVER spans by class + method mappings, controller spans by code.* of both generations, gRPC by method', async () => {
    const run = await runThroughEngine({
      root,
      service: 'spring-shop',
      spans: [
        ...times(3, javaServer({ method: 'GET', route: '/orders/{id}', path: '/orders/42' })),
        ...times(2, javaServer({ method: 'PUT', route: '/api/users/{id}' })),
        // Controller spans (experimental controller telemetry on): legacy pair by default, stable with opt-in.
        ...times(4, javaController({ className: 'com.shop.orders.OrderController', method: 'cancel' })),
        javaController({ className: 'com.shop.orders.OrderController', method: 'delete', semconv: 'stable' }),
        ...times(2, grpcServer({ service: 'shop.v1.OrderService', method: 'PlaceOrder', flavour: 'java' })),
      ],
    });
    expectLanded(root, run, { file: orders, symbol: 'com.shop.orders.OrderController.get', declaration: 'get(@PathVariable', mappedBy: 'http.route', requests: 3 });
    expectLanded(root, run, { file: 'src/main/java/com/shop/users/UserController.java', symbol: 'com.shop.users.UserController.update', declaration: ' update(', mappedBy: 'http.route', requests: 2 });
    const cancel = expectLanded(root, run, { file: orders, symbol: 'com.shop.orders.OrderController.cancel', declaration: 'cancel(@PathVariable', mappedBy: 'code.function', requests: 4 });
    expect(cancel.confidence).toBe(1);
    expectLanded(root, run, { file: orders, symbol: 'com.shop.orders.OrderController.delete', declaration: 'void delete(', mappedBy: 'code.function.name', requests: 1 });
    expectLanded(root, run, { file: 'src/main/java/com/shop/grpc/OrderGrpcService.java', symbol: 'com.shop.grpc.OrderGrpcService.placeOrder', declaration: 'void placeOrder(', mappedBy: 'rpc.method', requests: 2 });
    // OrderService has the same method names and serves nothing.
    expect(run.functions.filter((f) => f.symbol.startsWith('com.shop.orders.OrderService.'))).toEqual([]);
  });

  it('maps functional endpoints (RouterFunctions) onto the handler method a method reference names', async () => {
    const run = await runThroughEngine({
      root,
      service: 'spring-shop',
      spans: [...times(2, javaServer({ method: 'GET', route: '/stock/{sku}', path: '/stock/A-1' })), javaServer({ method: 'PUT', route: '/stock/{sku}' })],
    });
    const stock = 'src/main/java/com/shop/stock/StockHandler.java';
    expectLanded(root, run, { file: stock, symbol: 'com.shop.stock.StockHandler.level', declaration: 'ServerResponse level(', mappedBy: 'http.route', requests: 2 });
    expectLanded(root, run, { file: stock, symbol: 'com.shop.stock.StockHandler.adjust', declaration: 'ServerResponse adjust(', mappedBy: 'http.route', requests: 1 });
    expect(run.unmapped).toEqual([]);
  });
});
