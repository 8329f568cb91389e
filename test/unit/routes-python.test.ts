import { describe, expect, it } from 'vitest';
import { routeMatches, rpcMatches } from '../../language-server/index/routes';
import { expectedSummary, RouteWorkspace, summary, type Expected } from './routes-workspace';

describe('Flask (python-flask)', () => {
  const expected: Expected[] = [
    ['GET', '/health', 'flask', 'app.health.health', 'app/health.py', 'def health('],
    ['GET', '/api/orders/', 'flask', 'app.orders.views.orders', 'app/orders/views.py', 'def orders('],
    ['POST', '/api/orders/', 'flask', 'app.orders.views.orders', 'app/orders/views.py', 'def orders('],
    ['GET', '/api/orders/<int:order_id>', 'flask', 'app.orders.views.get_order', 'app/orders/views.py', 'def get_order('],
    ['PUT', '/api/orders/<int:order_id>', 'flask', 'app.orders.views.update_order', 'app/orders/views.py', 'def update_order('],
    ['GET', '/api/users/<user_id>', 'flask', 'app.users.routes.get_user', 'app/users/routes.py', 'def get_user('],
    ['*', '/api/users/<user_id>/profile', 'flask', 'app.users.routes.ProfileView', 'app/users/routes.py', 'class ProfileView('],
  ];

  it('joins blueprints registered in an app factory, the registration prefix replacing the blueprint own', async () => {
    const ws = await RouteWorkspace.load('python-flask');
    expect(summary(ws.routes())).toEqual(expectedSummary(ws, expected));
    const found = ws.routes().filter((r) => routeMatches(r, 'GET', '/api/orders/<int:order_id>'));
    expect(found.map((r) => r.handler)).toEqual(['app.orders.views.get_order']);
  });

  it('falls back to the blueprint url_prefix when the registration drops its own', async () => {
    const ws = await RouteWorkspace.load('python-flask');
    const file = 'app/__init__.py';
    await ws.update(file, ws.source(file).replace('app.register_blueprint(orders_bp, url_prefix="/api/orders")', 'app.register_blueprint(orders_bp)'));
    const orders = summary(ws.routes()).filter((r) => r.includes('app.orders.views'));
    expect(orders).toHaveLength(4);
    expect(orders.every((r) => / \/orders\//.test(r))).toBe(true);
  });
});

describe('FastAPI (python-fastapi)', () => {
  const expected: Expected[] = [
    ['GET', '/health', 'fastapi', 'app.main.health', 'app/main.py', 'def health('],
    ['GET', '/api/v1/orders/{order_id}', 'fastapi', 'app.routers.orders.get_order', 'app/routers/orders.py', 'async def get_order('],
    ['POST', '/api/v1/orders/', 'fastapi', 'app.routers.orders.create_order', 'app/routers/orders.py', 'async def create_order('],
    ['POST', '/api/v1/orders/{order_id}/cancel', 'fastapi', 'app.routers.orders.cancel_order', 'app/routers/orders.py', 'async def cancel_order('],
    ['PUT', '/api/v1/orders/{order_id}/cancel', 'fastapi', 'app.routers.orders.cancel_order', 'app/routers/orders.py', 'async def cancel_order('],
    ['GET', '/api/v1/users/{user_id}', 'fastapi', 'app.routers.users.get_user', 'app/routers/users.py', 'def get_user('],
    ['DELETE', '/api/v1/users/{user_id}', 'fastapi', 'app.routers.users.delete_user', 'app/routers/users.py', 'def delete_user('],
    ['POST', 'OrderService/PlaceOrder', 'grpc', 'app.grpc_server.OrderServicer.PlaceOrder', 'app/grpc_server.py', 'def PlaceOrder('],
    ['POST', 'OrderService/GetOrder', 'grpc', 'app.grpc_server.OrderServicer.GetOrder', 'app/grpc_server.py', 'def GetOrder('],
  ];

  it('joins include_router prefixes with each router prefix, and finds the gRPC servicer', async () => {
    const ws = await RouteWorkspace.load('python-fastapi');
    expect(summary(ws.routes())).toEqual(expectedSummary(ws, expected));
    expect(ws.routes().filter((r) => routeMatches(r, 'GET', '/api/v1/orders/{order_id}')).map((r) => r.handler)).toEqual(['app.routers.orders.get_order']);
    expect(ws.routes().filter((r) => rpcMatches(r, 'shop.v1.OrderService', 'GetOrder')).map((r) => r.handler)).toEqual(['app.grpc_server.OrderServicer.GetOrder']);
  });

  it('follows a changed router prefix', async () => {
    const ws = await RouteWorkspace.load('python-fastapi');
    const file = 'app/routers/users.py';
    await ws.update(file, ws.source(file).replace('prefix="/users"', 'prefix="/accounts"'));
    const users = summary(ws.routes()).filter((r) => r.includes('app.routers.users'));
    expect(users.map((r) => r.split(' ')[1])).toEqual(['/api/v1/accounts/{user_id}', '/api/v1/accounts/{user_id}']);
  });
});

describe('Django (python-django)', () => {
  const expected: Expected[] = [
    ['*', 'health/', 'django', 'shop.views.health', 'shop/views.py', 'def health('],
    ['*', 'api/orders/', 'django', 'orders.views.order_list', 'orders/views.py', 'def order_list('],
    ['*', 'api/orders/<int:pk>/', 'django', 'orders.views.OrderDetailView', 'orders/views.py', 'class OrderDetailView('],
    ['*', 'api/orders/(?P<pk>[0-9]+)/invoice/$', 'django', 'orders.views.invoice', 'orders/views.py', 'def invoice('],
    ['*', 'api/users/<int:pk>/', 'django', 'users.views.user_detail', 'users/views.py', 'def user_detail('],
  ];

  it('follows include() by module string and by imported module, as resolver_match.route names routes', async () => {
    const ws = await RouteWorkspace.load('python-django');
    const routes = ws.routes();
    // The admin site is mounted from a package outside the workspace: a route with no handler here.
    const admin = routes.filter((r) => r.route === 'admin/');
    expect(admin.map((r) => [r.handler, r.handlerFile])).toEqual([[null, null]]);
    expect(summary(routes.filter((r) => r.route !== 'admin/'))).toEqual(expectedSummary(ws, expected));
    const detail = routes.filter((r) => routeMatches(r, 'GET', 'api/orders/<int:pk>/'));
    expect(detail.map((r) => r.handler)).toEqual(['orders.views.OrderDetailView']);
    expect(routes.filter((r) => routeMatches(r, 'GET', '/api/orders/7/invoice')).length).toBe(0);
    expect(routes.filter((r) => routeMatches(r, 'POST', 'api/orders/<pk>/invoice/')).map((r) => r.handler)).toEqual(['orders.views.invoice']);
  });

  it('moves an included app when its include() prefix changes', async () => {
    const ws = await RouteWorkspace.load('python-django');
    await ws.update('shop/urls.py', ws.source('shop/urls.py').replace('path("api/", include("orders.urls"))', 'path("shop/", include("orders.urls"))'));
    const orders = ws.routes().filter((r) => r.handler?.startsWith('orders.views'));
    expect(orders.map((r) => r.route).sort()).toEqual(['shop/orders/', 'shop/orders/(?P<pk>[0-9]+)/invoice/$', 'shop/orders/<int:pk>/']);
  });
});
