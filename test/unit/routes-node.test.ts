import { describe, expect, it } from 'vitest';
import { routeMatches, rpcMatches } from '../../language-server/index/routes';
import { expectedSummary, RouteWorkspace, summary, type Expected } from './routes-workspace';

describe('Express (node-express)', () => {
  const expected: Expected[] = [
    ['GET', '/health', 'express', 'healthCheck', 'src/handlers/health.ts', 'export function healthCheck'],
    ['GET', '/api/orders/', 'express', 'OrderController.list', 'src/controllers/order-controller.ts', '  list('],
    ['GET', '/api/orders/:id', 'express', 'OrderController.get', 'src/controllers/order-controller.ts', '  get('],
    ['POST', '/api/orders/', 'express', 'OrderController.create', 'src/controllers/order-controller.ts', '  async create('],
    ['GET', '/api/orders/:id/items', 'express', 'listItems', 'src/handlers/items.ts', 'export function listItems'],
    ['POST', '/api/orders/:id/items', 'express', 'addItem', 'src/handlers/items.ts', 'export function addItem'],
    ['GET', '/api/users/:id', 'express', 'UserController.get', 'src/controllers/user-controller.ts', '  get('],
    ['DELETE', '/api/users/:id', 'express', null, 'src/routes/users.ts', "router.delete('/:id'"],
    ['GET', '/returns/:id', 'express', 'showReturn', 'src/routes/returns.js', '.get(function showReturn'],
    ['POST', '/returns/:id', 'express', 'refundReturn', 'src/handlers/returns.js', 'function refundReturn'],
  ];

  it('joins nested routers across files with their mount prefixes', async () => {
    const ws = await RouteWorkspace.load('node-express');
    expect(summary(ws.routes())).toEqual(expectedSummary(ws, expected));
  });

  it('reports the registration line and a route the Express instrumentation name matches', async () => {
    const ws = await RouteWorkspace.load('node-express');
    const routes = ws.routes();
    const get = routes.filter((r) => routeMatches(r, 'GET', '/api/orders/:id'));
    expect(get.map((r) => [r.file, r.line, r.normalized])).toEqual([['src/routes/orders.ts', ws.lineOf('src/routes/orders.ts', "router.get('/:id'"), '/api/orders/{}']]);
    const chained = routes.filter((r) => routeMatches(r, 'POST', '/api/orders/:id/items'));
    expect(chained.map((r) => r.line)).toEqual([ws.lineOf('src/routes/orders.ts', '.post(addItem)')]);
    // A CommonJS router mounted with `require()`, its chain ending in a handler from another file.
    const required = routes.filter((r) => routeMatches(r, 'POST', '/returns/:id'));
    expect(required.map((r) => [r.file, r.line, r.handlerFile])).toEqual([['src/routes/returns.js', ws.lineOf('src/routes/returns.js', '.post(refundReturn)'), 'src/handlers/returns.js']]);
  });

  it('follows a changed mount prefix in one file to every route under it', async () => {
    const ws = await RouteWorkspace.load('node-express');
    const file = 'src/routes/index.ts';
    await ws.update(file, ws.source(file).replace("apiRouter.use('/orders', ordersRouter)", "apiRouter.use('/v2/orders', ordersRouter)"));
    const routes = summary(ws.routes()).filter((r) => r.includes('orders'));
    expect(routes).toHaveLength(5);
    expect(routes.every((r) => r.includes(' /api/v2/orders/'))).toBe(true);

    await ws.update('src/server.ts', ws.source('src/server.ts').replace("app.use('/api', apiRouter);", ''));
    // Unmounted, the API router stands alone: its routes lose the `/api` prefix.
    expect(summary(ws.routes()).filter((r) => r.startsWith('GET /v2/orders/:id '))).toHaveLength(1);
  });
});

describe('Fastify and NestJS (node-fastify-nest)', () => {
  const expected: Expected[] = [
    ['GET', '/health', 'fastify', null, 'fastify/src/app.ts', "app.get('/health'"],
    ['GET', '/v1/orders/:id', 'fastify', 'getOrder', 'fastify/src/handlers/orders.ts', 'export async function getOrder'],
    ['POST', '/v1/orders/', 'fastify', 'createOrder', 'fastify/src/handlers/orders.ts', 'export async function createOrder'],
    ['PUT', '/v1/orders/:id', 'fastify', 'updateOrder', 'fastify/src/handlers/orders.ts', 'export async function updateOrder'],
    ['PATCH', '/v1/orders/:id', 'fastify', 'updateOrder', 'fastify/src/handlers/orders.ts', 'export async function updateOrder'],
    ['GET', '/v1/inventory/:sku', 'fastify', null, 'fastify/src/routes/inventory.ts', 'handler: async (request)'],
    ['GET', '/api/orders', 'nestjs', 'OrdersController.findAll', 'nest/src/orders/orders.controller.ts', '  findAll()'],
    ['GET', '/api/orders/:id', 'nestjs', 'OrdersController.findOne', 'nest/src/orders/orders.controller.ts', '  findOne('],
    ['POST', '/api/orders', 'nestjs', 'OrdersController.create', 'nest/src/orders/orders.controller.ts', '  create('],
    ['GET', '/api/users/:id', 'nestjs', 'UsersController.findOne', 'nest/src/users/users.controller.ts', '  findOne('],
    ['DELETE', '/api/users/:id', 'nestjs', 'UsersController.remove', 'nest/src/users/users.controller.ts', '  remove('],
    ['POST', 'inventory.v1.StockService/Reserve', 'grpc', 'reserve', 'fastify/src/grpc/server.ts', 'function reserve('],
    ['POST', 'inventory.v1.StockService/Release', 'grpc', 'release', 'fastify/src/grpc/release.ts', 'export function release('],
  ];

  it('joins plugin prefixes, controller paths, the global prefix and grpc-js services', async () => {
    const ws = await RouteWorkspace.load('node-fastify-nest');
    expect(summary(ws.routes())).toEqual(expectedSummary(ws, expected));
  });

  it('answers rpc.service + rpc.method as grpc-js instrumentation reports them', async () => {
    const ws = await RouteWorkspace.load('node-fastify-nest');
    const found = ws.routes().filter((r) => rpcMatches(r, 'inventory.v1.StockService', 'Reserve'));
    expect(found.map((r) => r.handler)).toEqual(['reserve']);
  });

  it('moves Nest routes when the global prefix changes, and only Nest routes', async () => {
    const ws = await RouteWorkspace.load('node-fastify-nest');
    await ws.update('nest/src/main.ts', ws.source('nest/src/main.ts').replace("setGlobalPrefix('api')", "setGlobalPrefix('v2')"));
    const routes = summary(ws.routes());
    expect(routes.filter((r) => r.includes('[nestjs]')).every((r) => r.includes(' /v2/'))).toBe(true);
    expect(routes.filter((r) => r.includes('[fastify]') && r.includes('/v2/'))).toEqual([]);
  });
});
