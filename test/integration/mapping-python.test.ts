/**
 * Python services end to end: spans shaped as opentelemetry-python-contrib's Flask, FastAPI,
 * Django and gRPC instrumentations emit them (route formats of each framework, old `http.method` and
 * new `http.request.method`), through the real collector, index and engine.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { grpcServer, pythonServer, times } from '../support/instrumentation-shapes';
import { expectLanded, runThroughEngine } from './mapping-harness';

const WORKSPACES = path.resolve(__dirname, '../fixtures/workspaces');

describe('Flask (url_rule.rule with converters, blueprints)', () => {
  const root = path.join(WORKSPACES, 'python-flask');

  it('maps <int:id> routes by method onto the right view function, old and new HTTP names', async () => {
    const run = await runThroughEngine({
      root,
      service: 'flask-shop',
      spans: [
        ...times(3, pythonServer({ method: 'GET', route: '/api/orders/<int:order_id>', path: '/api/orders/3' })),
        ...times(2, pythonServer({ method: 'PUT', route: '/api/orders/<int:order_id>', semconv: 'new' })),
        pythonServer({ method: 'POST', route: '/api/orders/', semconv: 'new', status: 201 }),
        pythonServer({ method: 'GET', route: '/api/orders/' }),
        pythonServer({ method: 'GET', route: '/api/users/<user_id>/profile' }),
      ],
    });
    const views = 'app/orders/views.py';
    expectLanded(root, run, { file: views, symbol: 'app.orders.views.get_order', declaration: 'def get_order(', mappedBy: 'http.route', requests: 3 });
    expectLanded(root, run, { file: views, symbol: 'app.orders.views.update_order', declaration: 'def update_order(', mappedBy: 'http.route', requests: 2 });
    // GET and POST of one rule reach the same view.
    expectLanded(root, run, { file: views, symbol: 'app.orders.views.orders', declaration: 'def orders(', mappedBy: 'http.route', requests: 2 });
    expectLanded(root, run, { file: 'app/users/routes.py', symbol: 'app.users.routes.ProfileView', declaration: 'class ProfileView', mappedBy: 'http.route', requests: 1 });
    expect(run.unmapped).toEqual([]);
  });
});

describe('FastAPI (route.path with {params}, router prefixes) and grpcio', () => {
  const root = path.join(WORKSPACES, 'python-fastapi');

  it('maps routes and gRPC methods onto functions and servicer methods', async () => {
    const run = await runThroughEngine({
      root,
      service: 'fastapi-shop',
      spans: [
        ...times(4, pythonServer({ method: 'GET', route: '/api/v1/orders/{order_id}', semconv: 'new' })),
        pythonServer({ method: 'PUT', route: '/api/v1/orders/{order_id}/cancel' }),
        pythonServer({ method: 'DELETE', route: '/api/v1/users/{user_id}', semconv: 'new', status: 204 }),
        ...times(2, grpcServer({ service: 'shop.v1.OrderService', method: 'PlaceOrder', flavour: 'python' })),
        grpcServer({ service: 'shop.v1.OrderService', method: 'GetOrder', flavour: 'python' }),
      ],
    });
    expectLanded(root, run, { file: 'app/routers/orders.py', symbol: 'app.routers.orders.get_order', declaration: 'async def get_order(', mappedBy: 'http.route', requests: 4 });
    expectLanded(root, run, { file: 'app/routers/orders.py', symbol: 'app.routers.orders.cancel_order', declaration: 'async def cancel_order(', mappedBy: 'http.route', requests: 1 });
    expectLanded(root, run, { file: 'app/routers/users.py', symbol: 'app.routers.users.delete_user', declaration: 'def delete_user(', mappedBy: 'http.route', requests: 1 });
    const grpc = 'app/grpc_server.py';
    expectLanded(root, run, { file: grpc, symbol: 'app.grpc_server.OrderServicer.PlaceOrder', declaration: 'def PlaceOrder(', mappedBy: 'rpc.method', requests: 2 });
    expectLanded(root, run, { file: grpc, symbol: 'app.grpc_server.OrderServicer.GetOrder', declaration: 'def GetOrder(', mappedBy: 'rpc.method', requests: 1 });
    // The services have get/create methods of their own; no span may land there.
    expect(run.functions.filter((f) => f.file.startsWith('app/services/'))).toEqual([]);
  });
});

describe('Django (resolver_match.route: no leading slash, any method)', () => {
  const root = path.join(WORKSPACES, 'python-django');

  it('maps path() and re_path() routes onto views and class-based views', async () => {
    const run = await runThroughEngine({
      root,
      service: 'django-shop',
      spans: [
        ...times(2, pythonServer({ method: 'GET', route: 'api/orders/<int:pk>/', path: '/api/orders/5/' })),
        pythonServer({ method: 'GET', route: 'api/orders/', semconv: 'new' }),
        pythonServer({ method: 'GET', route: 'api/orders/(?P<pk>[0-9]+)/invoice/$', path: '/api/orders/5/invoice/' }),
        pythonServer({ method: 'GET', route: 'admin/' }),
      ],
    });
    const views = 'orders/views.py';
    expectLanded(root, run, { file: views, symbol: 'orders.views.OrderDetailView', declaration: 'class OrderDetailView', mappedBy: 'http.route', requests: 2 });
    expectLanded(root, run, { file: views, symbol: 'orders.views.order_list', declaration: 'def order_list(', mappedBy: 'http.route', requests: 1 });
    expectLanded(root, run, { file: views, symbol: 'orders.views.invoice', declaration: 'def invoice(', mappedBy: 'http.route', requests: 1 });
    // admin.site.urls is Django's own code: listed, with the reason.
    expect(run.unmapped).toEqual([{ service: 'django-shop', name: 'GET admin/', route: 'admin/', count: 1, reason: 'symbol-not-found' }]);
  });
});
