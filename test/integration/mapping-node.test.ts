/**
 * Node services end to end: spans shaped as instrumentation-http/-express, @fastify/otel,
 * instrumentation-nestjs-core and grpc-js emit them land on the right TypeScript function and line
 * through the real index, route extractor, collector and engine. Also source maps, user path
 * mappings and routes registered by two services in one workspace.
 */
import { buildSync } from 'esbuild';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { expressLayer, fastifyHandler, grpcServer, nestHandler, nodeHttpServer, times } from '../support/instrumentation-shapes';
import type { Engine } from '../../language-server/engine';
import { lensTitle } from '../../language-server/features/format';
import { hoverMarkdown } from '../../language-server/features/hover-markdown';
import { expectLanded, lineOf, runThroughEngine } from './mapping-harness';

const WORKSPACES = path.resolve(__dirname, '../fixtures/workspaces');
const express = path.join(WORKSPACES, 'node-express');
const fastifyNest = path.join(WORKSPACES, 'node-fastify-nest');

const temps: string[] = [];
function tempCopy(from: string, into: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-ws-'));
  temps.push(dir);
  cpSync(from, path.join(dir, into), { recursive: true });
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('Express (instrumentation-http + instrumentation-express)', () => {
  it('maps server spans by http.route, old and new HTTP names, onto the right class and method', async () => {
    const run = await runThroughEngine({
      root: express,
      service: 'shop-express',
      spans: [
        ...times(3, nodeHttpServer({ method: 'GET', route: '/api/orders/:id', path: '/api/orders/7' })),
        // The request_handler layer of the same requests carries the route too; it must not count again.
        ...times(3, expressLayer({ type: 'request_handler', name: '/api/orders/:id', route: '/api/orders/:id' })),
        ...times(2, nodeHttpServer({ method: 'POST', route: '/api/orders/', semconv: 'new', status: 201 })),
        nodeHttpServer({ method: 'GET', route: '/api/users/:id', path: '/api/users/ada' }),
        ...times(4, nodeHttpServer({ method: 'GET', route: '/api/orders/:id/items', semconv: 'new' })),
        nodeHttpServer({ method: 'GET', route: '/health' }),
      ],
    });
    expect(run.ingested).toBe(14);
    const file = 'src/controllers/order-controller.ts';
    const get = expectLanded(express, run, { file, symbol: 'OrderController.get', declaration: '  get(req: Request', mappedBy: 'http.route', requests: 3 });
    expect(get.confidence).toBeCloseTo(0.6);
    expectLanded(express, run, { file, symbol: 'OrderController.create', declaration: 'async create(', mappedBy: 'http.route', requests: 2 });
    // Same method name on another class: the route decides, not the name.
    expectLanded(express, run, { file: 'src/controllers/user-controller.ts', symbol: 'UserController.get', declaration: '  get(req: Request', mappedBy: 'http.route', requests: 1 });
    expectLanded(express, run, { file: 'src/handlers/items.ts', symbol: 'listItems', declaration: 'export function listItems', mappedBy: 'http.route', requests: 4 });
    expectLanded(express, run, { file: 'src/handlers/health.ts', symbol: 'healthCheck', declaration: 'export function healthCheck', mappedBy: 'http.route', requests: 1 });
    expect(run.unmapped).toContainEqual(expect.objectContaining({ service: 'shop-express', name: 'request handler - /api/orders/:id', count: 3, reason: 'no-code-signal' }));
  });

  it('maps a route whose handler is an inline arrow onto the arrow, named after its registration', async () => {
    const run = await runThroughEngine({
      root: express,
      service: 'shop-express',
      spans: [...times(2, nodeHttpServer({ method: 'DELETE', route: '/api/users/:id' })), nodeHttpServer({ method: 'GET', route: '/api/carts/:id' })],
    });
    expectLanded(express, run, { file: 'src/routes/users.ts', symbol: "router.delete('/:id')", declaration: "router.delete('/:id', async (req, res) => {", mappedBy: 'http.route', requests: 2 });
    expect(run.functions).toHaveLength(1);
    expect(run.unmapped).toContainEqual({ service: 'shop-express', name: 'GET /api/carts/:id', route: '/api/carts/:id', count: 1, reason: 'route-not-found' });
  });
});

describe('Fastify (@fastify/otel), NestJS (instrumentation-nestjs-core) and grpc-js', () => {
  it('maps handler spans by hook.callback.name, server spans by route, Nest handler spans by name, gRPC by rpc.method', async () => {
    const run = await runThroughEngine({
      root: fastifyNest,
      service: 'shop-node',
      spans: [
        ...times(2, nodeHttpServer({ method: 'GET', route: '/v1/orders/:id', semconv: 'new' })),
        ...times(3, fastifyHandler({ plugin: 'ordersRoutes', handler: 'updateOrder', route: '/v1/orders/:id', method: 'PATCH' })),
        ...times(2, nodeHttpServer({ method: 'GET', route: '/api/orders/:id' })),
        nestHandler({ controller: 'UsersController', callback: 'remove', route: '/api/users/:id', method: 'DELETE' }),
        ...times(5, grpcServer({ service: 'inventory.v1.StockService', method: 'Reserve', flavour: 'node' })),
        grpcServer({ service: 'inventory.v1.StockService', method: 'Release', flavour: 'node' }),
      ],
    });
    const handlers = 'fastify/src/handlers/orders.ts';
    expectLanded(fastifyNest, run, { file: handlers, symbol: 'getOrder', declaration: 'export async function getOrder', mappedBy: 'http.route', requests: 2 });
    const update = expectLanded(fastifyNest, run, { file: handlers, symbol: 'updateOrder', declaration: 'export async function updateOrder', mappedBy: 'framework', requests: 3 });
    expect(update.confidence).toBeCloseTo(0.8);
    // OrdersService has a findOne too; the route names the controller's.
    expectLanded(fastifyNest, run, { file: 'nest/src/orders/orders.controller.ts', symbol: 'OrdersController.findOne', declaration: 'findOne(', mappedBy: 'http.route', requests: 2 });
    expect(run.functions.some((f) => f.symbol === 'OrdersService.findOne')).toBe(false);
    expectLanded(fastifyNest, run, { file: 'nest/src/users/users.controller.ts', symbol: 'UsersController.remove', declaration: 'remove(', mappedBy: 'span.name', requests: 1 });
    expectLanded(fastifyNest, run, { file: 'fastify/src/grpc/server.ts', symbol: 'reserve', declaration: 'function reserve(', mappedBy: 'rpc.method', requests: 5 });
    expectLanded(fastifyNest, run, { file: 'fastify/src/grpc/release.ts', symbol: 'release', declaration: 'function release', mappedBy: 'rpc.method', requests: 1 });
  });

  it('maps a Fastify route whose handler is an inline async arrow onto the arrow', async () => {
    const spans = [...times(2, nodeHttpServer({ method: 'GET', route: '/health', semconv: 'new' })), fastifyHandler({ plugin: 'fastify', handler: 'anonymous', route: '/health', method: 'GET' })];
    const run = await runThroughEngine({ root: fastifyNest, service: 'shop-node', spans });
    // The handler span (hook.callback.name "anonymous") is the same request's inner layer: it is not counted again.
    expectLanded(fastifyNest, run, { file: 'fastify/src/app.ts', symbol: "app.get('/health')", declaration: "app.get('/health', async () =>", mappedBy: 'http.route', requests: 2 });
    expect(run.functions).toHaveLength(1);
  });
});

describe('the same route registered by two services in one workspace', () => {
  it('shows the calls as ambiguous on each candidate, counted once', async () => {
    const root = tempCopy(express, 'orders-v1');
    cpSync(express, path.join(root, 'orders-v2'), { recursive: true });
    const spans = [...times(3, nodeHttpServer({ method: 'GET', route: '/api/orders/:id', durationMs: 20 })), nodeHttpServer({ method: 'GET', route: '/api/orders/:id', exception: new Error('order store down'), durationMs: 40 })];
    const files = ['orders-v1/src/controllers/order-controller.ts', 'orders-v2/src/controllers/order-controller.ts'];
    const lenses: string[] = [];
    const hovers: string[] = [];
    const probe = (engine: Engine) => {
      for (const file of files) {
        const s = engine.functionStats(file).get('OrderController.get')!;
        lenses.push(lensTitle(s, { format: 'compact', minSamples: 1 }));
        const detail = engine.functionDetail(file, 'OrderController.get')!;
        // The route's traces, not an empty hover: the slowest call was the failing one.
        expect(detail.slowest[0]).toMatchObject({ durationMs: 40, error: true });
        hovers.push(hoverMarkdown(detail, { windowLabel: '1h', minSamples: 1, nowMs: Date.now() }));
      }
    };
    const run = await runThroughEngine({ root, service: 'orders', spans, probe });
    expect(lenses).toEqual([1, 2].map((i) => `prod · ambiguous (${i} of 2 handlers for GET /api/orders/:id) · 4/h · 25% err · p95 40ms · n=4`));
    expect(hovers[0]).toContain('orders\\-v2\\/src\\/controllers\\/order\\-controller\\.ts');
    expect(hovers[1]).toContain('orders\\-v1\\/src\\/controllers\\/order\\-controller\\.ts');
    const rows = run.functions.filter((f) => f.symbol === 'OrderController.get');
    expect(rows.map((r) => r.file)).toEqual(files);
    const line = lineOf(root, files[0]!, '  get(req: Request');
    const candidates = files.map((file) => ({ file, symbol: 'OrderController.get', line }));
    rows.forEach((row, i) => {
      // Own counts stay zero: the calls belong to the route, shown on both, so totals add them once.
      expect(row).toMatchObject({ requests: 0, errors: 0, ambiguous: true, mappedBy: ['http.route'] });
      expect(row.ambiguity).toMatchObject({ route: 'GET /api/orders/:id', position: i + 1, candidates, requests: 4, errors: 1 });
      expect(row.ambiguity!.p50Ms).toBeGreaterThan(0);
    });
    // No virtual group row reaches the report, and nothing else got the calls.
    expect(run.functions).toHaveLength(2);
  });
});

describe('compiled JavaScript and production paths', () => {
  it('maps a code.file.path in dist/ back to the TypeScript method through the source map', async () => {
    const root = tempCopy(express, 'svc');
    const ws = path.join(root, 'svc');
    buildSync({ entryPoints: [path.join(ws, 'src/controllers/order-controller.ts')], outdir: path.join(ws, 'dist/controllers'), sourcemap: true, format: 'cjs', platform: 'node', logLevel: 'silent' });
    const compiled = readFileSync(path.join(ws, 'dist/controllers/order-controller.js'), 'utf8').split('\n');
    const line = compiled.findIndex((l) => /^\s*create\(req, res\) \{|^\s*async create\(req, res\) \{/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    const span = { name: 'POST /api/orders/', kind: SpanKind.SERVER, durationMs: 9, attributes: { 'code.file.path': '/app/dist/controllers/order-controller.js', 'code.line.number': line + 1 } };
    const run = await runThroughEngine({ root: ws, service: 'svc', spans: times(2, span) });
    expectLanded(ws, run, { file: 'src/controllers/order-controller.ts', symbol: 'OrderController.create', declaration: 'async create(', mappedBy: 'code.file.path', requests: 2 });
    expect(run.functions.filter((f) => f.file.startsWith('dist/'))).toEqual([]);
  });

  it('uses settings.pathMappings where a path suffix alone cannot choose between files', async () => {
    // Two files are named orders.ts; line 13 is inside a function in both.
    const span = { name: 'POST', kind: SpanKind.SERVER, durationMs: 7, attributes: { 'code.file.path': '/opt/build/orders.ts', 'code.line.number': 14 } };
    const without = await runThroughEngine({ root: fastifyNest, service: 'fastify', spans: [span] });
    expect(without.functions).toEqual([]);
    expect(without.unmapped).toEqual([{ service: 'fastify', name: 'POST', route: null, count: 1, reason: 'ambiguous' }]);
    const mapped = await runThroughEngine({
      root: fastifyNest,
      service: 'fastify',
      spans: [span],
      settings: { pathMappings: [{ from: '/opt/build/', to: 'fastify/src/handlers/' }] },
    });
    expectLanded(fastifyNest, mapped, { file: 'fastify/src/handlers/orders.ts', symbol: 'createOrder', declaration: 'export async function createOrder', mappedBy: 'code.file.path', requests: 1 });
    expect(mapped.unmapped).toEqual([]);
  });
});
