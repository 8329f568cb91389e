import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinPaths, normalizeRoute, normalizeRpc, parseGoPattern, routeMatches, rpcMatches } from '../../language-server/index/routes';
import type { RouteDef } from '../../language-server/index/types';

function def(partial: Partial<RouteDef> & Pick<RouteDef, 'route' | 'method' | 'framework'>): RouteDef {
  const normalized = normalizeRoute(partial.route);
  return { file: 'x', normalized, handler: null, handlerFile: null, handlerLine: null, line: 0, ...partial };
}

describe('normalizeRoute', () => {
  it('makes every framework placeholder syntax the same', () => {
    const forms = [
      '/orders/:id', // Express, Fastify
      '/orders/:id?', // Express optional
      '/orders/:id(\\d+)', // Express regex parameter
      '/orders/{id}', // FastAPI, Spring, Go
      '/orders/{id:int}', // typed
      '/orders/{id:[0-9]+}', // Spring regex
      '/orders/<id>', // Flask
      '/orders/<int:id>', // Flask converter
      'orders/<int:pk>/', // Django path()
      '^orders/(?P<pk>[0-9]+)/$', // Django re_path()
      '//orders//{id}/', // sloppy slashes
    ];
    expect(new Set(forms.map(normalizeRoute))).toEqual(new Set(['/orders/{}']));
  });

  it('keeps static segments and the root apart', () => {
    expect(normalizeRoute('/')).toBe('/');
    expect(normalizeRoute('')).toBe('/');
    expect(normalizeRoute('/orders/{$}')).toBe('/orders');
    expect(normalizeRoute('/files/:name.:ext')).toBe('/files/{}.{}');
    expect(normalizeRoute('/orders/:id/items')).not.toBe(normalizeRoute('/orders/:id/lines'));
    expect(normalizeRoute('/static/*')).toBe('/static/*');
  });

  it('normalises gRPC routes case-insensitively', () => {
    expect(normalizeRoute('shop.v1.OrderService/PlaceOrder')).toBe('shop.v1.orderservice/placeorder');
    expect(normalizeRoute('/shop.v1.OrderService/PlaceOrder')).toBe(normalizeRpc('shop.v1.OrderService', 'placeOrder'));
  });

  it('is idempotent on arbitrary routes', () => {
    const segment = fc.oneof(fc.constantFrom(':id', '{id}', '<int:id>', '(?P<pk>\\d+)', '', 'orders', 'v1'), fc.stringMatching(/^[a-z]{1,6}$/));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, trailing) => {
        const route = '/' + segments.join('/') + (trailing ? '/' : '');
        const once = normalizeRoute(route);
        expect(normalizeRoute(once)).toBe(once);
        expect(once.startsWith('/')).toBe(true);
      }),
    );
  });
});

describe('path helpers', () => {
  it('joins prefixes with exactly one slash', () => {
    expect(joinPaths('/api', '/orders')).toBe('/api/orders');
    expect(joinPaths('/api/', 'orders')).toBe('/api/orders');
    expect(joinPaths('/api/orders', '')).toBe('/api/orders');
    expect(joinPaths('/api/orders', '/')).toBe('/api/orders/');
    expect(joinPaths('', '/x')).toBe('/x');
  });

  it('splits Go 1.22 patterns into method and route as otelhttp reports them', () => {
    expect(parseGoPattern('GET /orders/{id}')).toEqual({ method: 'GET', route: '/orders/{id}' });
    expect(parseGoPattern('POST api.example.com/orders')).toEqual({ method: 'POST', route: '/orders' });
    expect(parseGoPattern('/static/')).toEqual({ method: '*', route: '/static/' });
  });
});

describe('matching', () => {
  it('matches on method and normalised route; * and GET-for-HEAD answer more methods', () => {
    const get = def({ framework: 'express', method: 'GET', route: '/api/orders/:id' });
    const any = def({ framework: 'django', method: '*', route: 'api/orders/<int:pk>/' });
    expect(routeMatches(get, 'GET', '/api/orders/{id}')).toBe(true);
    expect(routeMatches(get, 'get', '/api/orders/:orderId')).toBe(true);
    expect(routeMatches(get, 'HEAD', '/api/orders/:id')).toBe(true);
    expect(routeMatches(get, 'POST', '/api/orders/:id')).toBe(false);
    expect(routeMatches(get, 'GET', '/api/orders')).toBe(false);
    expect(routeMatches(any, 'DELETE', 'api/orders/<int:pk>/')).toBe(true);
  });

  it('matches gRPC by service and method, with or without the proto package', () => {
    const qualified = def({ framework: 'grpc', method: 'POST', route: 'shop.v1.OrderService/PlaceOrder' });
    const bare = { ...def({ framework: 'grpc', method: 'POST', route: 'x' }), route: 'OrderService/PlaceOrder', normalized: normalizeRpc('OrderService', 'PlaceOrder') };
    expect(rpcMatches(qualified, 'shop.v1.OrderService', 'PlaceOrder')).toBe(true);
    expect(rpcMatches(qualified, 'shop.v2.OrderService', 'PlaceOrder')).toBe(false);
    expect(rpcMatches(bare, 'shop.v1.OrderService', 'placeOrder')).toBe(true);
    expect(rpcMatches(bare, 'shop.v1.StockService', 'PlaceOrder')).toBe(false);
    expect(routeMatches(qualified, 'POST', '/shop.v1.OrderService/PlaceOrder')).toBe(false);
  });
});
