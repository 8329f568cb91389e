/**
 * "Thrown here" end to end: exception events carrying real Node, Python and Java traces
 * (test/fixtures/stacks, printed by the runtimes over the programs in `sources/`) are sent through
 * the real SDK and collector; the engine counts each error on the innermost in-app frame's function
 * as well as on the span's own function. Go, whose traces came from no workspace here, is checked
 * through `thrownHere` on a real index over a small module laid out like the trace's. Also the
 * unmapped listing of `prodlens report --format json`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../protocol/model';
import { createRouteExtractor } from '../../language-server/index/routes';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';
import { SpanResolver } from '../../language-server/mapping/span-resolver';
import { CLI, startTestCollector } from '../support/collector';
import { sendSpans } from '../support/otel';
import { exceptionFrom, javaController, nodeHttpServer, pythonServer, times } from '../support/instrumentation-shapes';
import { expectLanded, runThroughEngine } from './mapping-harness';
import { SpanKind } from '@opentelemetry/api';

const SOURCES = path.resolve(__dirname, '../fixtures/stacks/sources');
const STACKS = path.resolve(__dirname, '../fixtures/stacks');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('errors thrown here, from real traces', () => {
  it('counts Node, Python and Java errors on the innermost in-app frame and on the span function', async () => {
    const nodeError = exceptionFrom('node-async.txt', 'Error', 'out of stock: sku-1');
    const pyError = exceptionFrom('python-chained.txt', 'NameError', "name 'undefined_audit_log' is not defined");
    const javaError = exceptionFrom('java-caused-by.txt', 'com.shop.OrderService$OrderFailedException', 'order failed for [sku-2]');
    const run = await runThroughEngine({
      root: SOURCES,
      service: 'stacks',
      spans: [
        // A manual span named after the method (span-name tier), failing with the Node trace.
        ...times(2, { name: 'OrderService.checkout', kind: SpanKind.INTERNAL, durationMs: 5, error: { message: nodeError.message, exception: nodeError } }),
        // A Flask request whose route this workspace does not register: unmapped, but thrown here still counts.
        pythonServer({ method: 'POST', route: '/checkout', exception: pyError }),
        ...times(3, javaController({ className: 'com.shop.OrderService', method: 'place', exception: javaError })),
      ],
    });
    const checkout = expectLanded(SOURCES, run, { file: 'node-shop/src/orders.js', symbol: 'OrderService.checkout', declaration: 'async checkout(', mappedBy: 'span.name', requests: 2, errors: 2, thrownHere: 0 });
    expect(checkout.errorRate).toBe(1);
    expectLanded(SOURCES, run, { file: 'node-shop/src/inventory.js', symbol: 'Inventory.reserve', declaration: 'reserve(', mappedBy: 'exception.stacktrace', requests: 0, thrownHere: 2 });
    // The reported NameError is raised in place_order; its handled context (OutOfStock in reserve) is not.
    expectLanded(SOURCES, run, { file: 'pyshop/orders/views.py', symbol: 'orders.views.place_order', declaration: 'def place_order(', mappedBy: 'exception.stacktrace', requests: 0, thrownHere: 1 });
    expect(run.functions.some((f) => f.symbol === 'orders.inventory.Inventory.reserve')).toBe(false);
    expectLanded(SOURCES, run, { file: 'jshop/src/com/shop/OrderService.java', symbol: 'com.shop.OrderService.place', declaration: ' place(', mappedBy: 'code.function', requests: 3, errors: 3 });
    // Java causes are followed to the root: Inventory.reserve threw.
    expectLanded(SOURCES, run, { file: 'jshop/src/com/shop/Inventory.java', symbol: 'com.shop.Inventory.reserve', declaration: ' reserve(', mappedBy: 'exception.stacktrace', thrownHere: 3 });
    expect(run.unmapped).toEqual([{ service: 'stacks', name: 'POST /checkout', route: '/checkout', count: 1, reason: 'route-not-found' }]);
  });

  it('attributes a Go panic to the closure that panicked, through go.mod and the real index', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'prodlens-go-'));
    temps.push(root);
    writeFileSync(path.join(root, 'go.mod'), 'module github.com/acme/shop\n\ngo 1.22\n');
    mkdirSync(path.join(root, 'internal/orders'), { recursive: true });
    // go-panic.txt: the closure panics at service.go:42, inside (*OrderService).Place (called at :48).
    const service = ['package orders', '', 'import "context"', '', 'type OrderService struct{ skus []string }', ''];
    while (service.length < 39) service.push('// Reservations are checked before the order is written.');
    service.push('func (s *OrderService) Place(ctx context.Context, sku string) error {', '\tpick := func(i int) string {', '\t\treturn s.skus[i]', '\t}', '\t_ = ctx');
    while (service.length < 47) service.push('\t_ = sku');
    service.push('\t_ = pick(3)', '\treturn nil', '}', '');
    writeFileSync(path.join(root, 'internal/orders/service.go'), service.join('\n'));
    const index = await WorkspaceIndex.build(root, { routeExtractor: createRouteExtractor() });
    try {
      const thrown = new SpanResolver(index).thrownHere({ type: 'runtime.boundsError', message: 'index out of range [3] with length 3', stacktrace: readFileSync(path.join(STACKS, 'go-panic.txt'), 'utf8'), source: 'event' });
      // The closure is assigned to `pick`, so the index names it; it is the innermost function at :42.
      expect(thrown?.fn).toEqual({ file: 'internal/orders/service.go', qualifiedName: '(*OrderService).Place.pick', line: 40 });
      expect(thrown?.frame).toContain('(*OrderService).Place.func1');
    } finally {
      index.dispose();
    }
  });
});

describe('prodlens report --format json', () => {
  it('lists telemetry without a home in code with counts and reasons, next to the mapped functions', async () => {
    const root = path.resolve(__dirname, '../fixtures/workspaces/node-express');
    const collector = await startTestCollector();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-report-'));
    temps.push(dir);
    try {
      await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop', version: '2' }, [
        ...times(2, nodeHttpServer({ method: 'GET', route: '/api/orders/:id' })),
        ...times(3, nodeHttpServer({ method: 'GET', route: '/api/carts/:id' })),
        { name: 'GET', kind: SpanKind.SERVER, durationMs: 2, attributes: { 'http.method': 'GET', 'http.target': '/favicon.ico', 'http.status_code': 404 } },
      ]);
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'report', root, '--source', collector.httpUrl, '--token', collector.token, '--db', path.join(dir, 'r.db'), '--format', 'json']);
      const report = JSON.parse(stdout) as ReportJson;
      expect(report.functions.map((f) => [f.symbol, f.requests, f.mappedBy])).toEqual([['OrderController.get', 2, ['http.route']]]);
      expect(report.unmapped).toHaveLength(2);
      expect(report.unmapped).toContainEqual({ service: 'shop', name: 'GET /api/carts/:id', route: '/api/carts/:id', count: 3, reason: 'route-not-found' });
      expect(report.unmapped).toContainEqual({ service: 'shop', name: 'GET', route: null, count: 1, reason: 'no-code-signal' });
    } finally {
      await collector.dispose();
    }
  });
});
