import { describe, expect, it } from 'vitest';
import { routeMatches, rpcMatches } from '../../language-server/index/routes';
import { expectedSummary, RouteWorkspace, summary, type Expected } from './routes-workspace';

describe('Go net/http and gRPC (go-http)', () => {
  const expected: Expected[] = [
    ['GET', '/orders/{id}', 'go-http', '(*Server).GetOrder', 'internal/orders/server.go', 'func (s *Server) GetOrder('],
    ['POST', '/orders', 'go-http', '(*Server).CreateOrder', 'internal/orders/server.go', 'func (s *Server) CreateOrder('],
    ['DELETE', '/orders/{id}', 'go-http', null, 'cmd/server/main.go', 'mux.HandleFunc("DELETE /orders/{id}"'],
    ['GET', '/healthz', 'go-http', 'Check', 'internal/health/health.go', 'func Check('],
    ['GET', '/users/{id}', 'go-http', '(*Handler).Get', 'internal/users/handler.go', 'func (h *Handler) Get('],
    ['PUT', '/users/{id}', 'go-http', '(*Handler).Update', 'internal/users/handler.go', 'func (h *Handler) Update('],
    ['POST', 'shop.v1.OrderService/PlaceOrder', 'grpc', '(*OrderService).PlaceOrder', 'internal/grpcserver/order_service.go', 'func (s *OrderService) PlaceOrder('],
    ['POST', 'shop.v1.OrderService/GetOrder', 'grpc', '(*OrderService).GetOrder', 'internal/grpcserver/order_query.go', 'func (s *OrderService) GetOrder('],
  ];

  it('reads Go 1.22 patterns, follows method values across packages, and joins gRPC methods per package', async () => {
    const ws = await RouteWorkspace.load('go-http');
    expect(summary(ws.routes())).toEqual(expectedSummary(ws, expected));
    // otelhttp reports the pattern minus its method: `GET /orders/{id}` → `/orders/{id}`.
    const found = ws.routes().filter((r) => routeMatches(r, 'GET', '/orders/{id}'));
    expect(found.map((r) => r.handler)).toEqual(['(*Server).GetOrder']);
    expect(ws.routes().filter((r) => rpcMatches(r, 'shop.v1.OrderService', 'GetOrder')).map((r) => r.handlerFile)).toEqual(['internal/grpcserver/order_query.go']);
  });

  it('leaves the service unqualified when the generated stub is not in the workspace', async () => {
    const ws = await RouteWorkspace.load('go-http');
    ws.facts.delete('gen/orderpb/order_grpc.pb.go');
    const rpc = ws.routes().filter((r) => r.framework === 'grpc');
    expect(rpc.map((r) => r.route).sort()).toEqual(['OrderService/GetOrder', 'OrderService/PlaceOrder']);
    expect(rpc.filter((r) => rpcMatches(r, 'shop.v1.OrderService', 'PlaceOrder'))).toHaveLength(1);
  });

  it('reads gorilla/mux and chi registrations', async () => {
    const ws = await RouteWorkspace.load('go-http');
    await ws.update(
      'internal/users/router.go',
      [
        'package users',
        '',
        'func (h *Handler) Mount(r *mux.Router, c chi.Router) {',
        '\tr.HandleFunc("/v2/users/{id}", h.Get).Methods("GET", "HEAD")',
        '\tc.Put("/v3/users/{id}", h.Update)',
        '}',
        '',
      ].join('\n'),
    );
    const extra = summary(ws.routes()).filter((r) => / \/v[23]\//.test(r));
    expect(extra).toEqual(
      expectedSummary(ws, [
        ['GET', '/v2/users/{id}', 'go-http', '(*Handler).Get', 'internal/users/handler.go', 'func (h *Handler) Get('],
        ['HEAD', '/v2/users/{id}', 'go-http', '(*Handler).Get', 'internal/users/handler.go', 'func (h *Handler) Get('],
        ['PUT', '/v3/users/{id}', 'go-http', '(*Handler).Update', 'internal/users/handler.go', 'func (h *Handler) Update('],
      ]),
    );
  });
});

describe('Spring and gRPC (java-spring)', () => {
  const controller = 'src/main/java/com/shop/orders/OrderController.java';
  const users = 'src/main/java/com/shop/users/UserController.java';
  const grpc = 'src/main/java/com/shop/grpc/OrderGrpcService.java';
  const stock = 'src/main/java/com/shop/stock/StockHandler.java';
  const stockRoutes = 'src/main/java/com/shop/stock/StockRoutes.java';
  const expected: Expected[] = [
    ['GET', '/stock/{sku}', 'spring', 'com.shop.stock.StockHandler.level', stock, 'public ServerResponse level('],
    ['PUT', '/stock/{sku}', 'spring', 'com.shop.stock.StockHandler.adjust', stock, 'public ServerResponse adjust('],
    ['GET', '/stock-levels', 'spring', 'com.shop.stock.StockHandler.all', stock, 'public ServerResponse all('],
    ['GET', '/ping', 'spring', null, stockRoutes, '.GET("/ping"'],
    ['GET', '/orders', 'spring', 'com.shop.orders.OrderController.list', controller, 'public List<Order> list()'],
    ['GET', '/orders/{id}', 'spring', 'com.shop.orders.OrderController.get', controller, 'public ResponseEntity<Order> get('],
    ['POST', '/orders', 'spring', 'com.shop.orders.OrderController.create', controller, 'public Order create('],
    ['POST', '/orders/{id}/cancel', 'spring', 'com.shop.orders.OrderController.cancel', controller, 'public ResponseEntity<Order> cancel('],
    ['PUT', '/orders/{id}/cancel', 'spring', 'com.shop.orders.OrderController.cancel', controller, 'public ResponseEntity<Order> cancel('],
    ['DELETE', '/orders/{id}', 'spring', 'com.shop.orders.OrderController.delete', controller, 'public void delete('],
    ['GET', '/api/users/{id}', 'spring', 'com.shop.users.UserController.get', users, 'public ResponseEntity<String> get('],
    ['PUT', '/api/users/{id}', 'spring', 'com.shop.users.UserController.update', users, 'public void update('],
    ['POST', 'OrderService/PlaceOrder', 'grpc', 'com.shop.grpc.OrderGrpcService.placeOrder', grpc, 'public void placeOrder('],
    ['POST', 'OrderService/GetOrder', 'grpc', 'com.shop.grpc.OrderGrpcService.getOrder', grpc, 'public void getOrder('],
  ];

  it('joins class and method mappings and finds the ImplBase subclass', async () => {
    const ws = await RouteWorkspace.load('java-spring');
    expect(summary(ws.routes())).toEqual(expectedSummary(ws, expected));
    expect(ws.routes().filter((r) => routeMatches(r, 'GET', '/orders/{id}')).map((r) => r.handler)).toEqual(['com.shop.orders.OrderController.get']);
    expect(ws.routes().filter((r) => rpcMatches(r, 'shop.v1.OrderService', 'PlaceOrder')).map((r) => r.handler)).toEqual(['com.shop.grpc.OrderGrpcService.placeOrder']);
  });

  it('reads functional endpoints: builder verbs under path prefixes, handlers by method reference', async () => {
    const ws = await RouteWorkspace.load('java-spring');
    const [level, ...rest] = ws.routes().filter((r) => routeMatches(r, 'GET', '/stock/{sku}'));
    expect(rest).toEqual([]);
    expect(level).toMatchObject({ file: stockRoutes, line: ws.lineOf(stockRoutes, '.GET("/{sku}"'), handlerFile: stock });
    // `RequestPredicates.GET(…)` inside `route(GET("/x"), h)` is the older form of the same thing.
    const older = ws.source(stockRoutes).replace('.GET("/stock-levels", stock::all)', '.add(RouterFunctions.route(RequestPredicates.GET("/stock/all"), stock::all))');
    await ws.update(stockRoutes, older);
    const all = ws.routes().filter((r) => r.handler === 'com.shop.stock.StockHandler.all');
    expect(all.map((r) => `${r.method} ${r.route}`)).toEqual(['GET /stock/all']);
  });

  it('follows a changed class-level @RequestMapping', async () => {
    const ws = await RouteWorkspace.load('java-spring');
    await ws.update(controller, ws.source(controller).replace('@RequestMapping("/orders")', '@RequestMapping("/api/orders")'));
    const routes = ws.routes().filter((r) => r.handler?.startsWith('com.shop.orders.'));
    expect(routes).toHaveLength(6);
    expect(routes.every((r) => r.route.startsWith('/api/orders'))).toBe(true);
  });
});
