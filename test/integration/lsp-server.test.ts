import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../support/collector';
import { startInMemory, type TestClient } from '../support/lsp-client';
import { sendSpans, type SpanSpec } from '../support/otel';

const root = path.resolve(__dirname, '../fixtures/workspaces/node-express');
const CONTROLLER = 'src/controllers/order-controller.ts';
const USERS = 'src/controllers/user-controller.ts';

/** 0-based line of the first line containing `text` in a fixture file. */
function lineOf(file: string, text: string): number {
  const line = readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (line < 0) throw new Error(`${text} not in ${file}`);
  return line;
}

function route(method: string, httpRoute: string, durationMs: number, extra: Partial<SpanSpec> = {}): SpanSpec {
  return {
    name: `${method} ${httpRoute}`,
    kind: SpanKind.SERVER,
    attributes: { 'http.method': method, 'http.route': httpRoute, 'http.status_code': extra.error ? 500 : 200 },
    durationMs,
    ...extra,
  };
}

const HOSTILE = '[run me](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold**';

describe('language server: lenses and hovers from real spans', () => {
  let collector: TestCollector;
  let client: TestClient;
  let dbDir: string;

  beforeAll(async () => {
    collector = await startTestCollector();
    dbDir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-lsp-'));
    const spans: SpanSpec[] = [];
    // OrderController.get by route (old semconv names, as the 1.x SDK's HTTP instrumentation emits).
    for (let i = 0; i < 40; i++) {
      spans.push(route('GET', '/api/orders/:id', 10 + i, i % 4 === 0 ? { error: { message: 'order lookup failed' }, attributes: { 'http.method': 'GET', 'http.route': '/api/orders/:id', 'tenant': HOSTILE } } : {}));
    }
    // UserController.get, same method name in another file, by the route too.
    for (let i = 0; i < 25; i++) spans.push(route('GET', '/api/users/:id', 5));
    // OrderController.create by stable code.* attributes under a container path prefix.
    for (let i = 0; i < 30; i++) {
      spans.push({
        name: 'create order',
        kind: SpanKind.INTERNAL,
        attributes: { 'code.function.name': 'OrderController.create', 'code.file.path': `/app/${CONTROLLER}`, 'code.line.number': lineOf(CONTROLLER, 'async create(') + 1 },
        durationMs: 100,
      });
    }
    // OrderController.list by the old code.function + code.namespace pair.
    for (let i = 0; i < 5; i++) {
      spans.push({ name: 'list', kind: SpanKind.INTERNAL, attributes: { 'code.function': 'list', 'code.namespace': 'OrderController', 'code.filepath': `/srv/${CONTROLLER}` }, durationMs: 2 });
    }
    // Telemetry with no home in the workspace.
    for (let i = 0; i < 3; i++) spans.push(route('GET', '/no/such/route', 1));
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop', version: '1.0.0', environment: 'prod' }, spans);

    client = await startInMemory({
      root,
      initializationOptions: {
        settings: { collectorUrl: collector.httpUrl, minSamples: 20 },
        token: collector.token,
        dbFile: path.join(dbDir, 'store.db'),
      },
    });
    // Lenses refresh after every ingest; wait until the last span's function shows up.
    for (;;) {
      const lenses = await client.codeLenses(CONTROLLER);
      if (lenses.some((l) => l.command?.title.includes('n=30'))) break;
      await client.nextLensRefresh();
    }
  });

  afterAll(async () => {
    await client?.close();
    await collector?.dispose();
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('puts a lens above each function with data, on its declaration line', async () => {
    const lenses = await client.codeLenses(CONTROLLER);
    const byLine = new Map(lenses.map((l) => [l.range.start.line, l.command!.title]));
    expect(byLine.get(lineOf(CONTROLLER, '  get(req'))).toMatch(/^prod · .*\/min · 25% err · p50 \d+ms p95 \d+ms p99 \d+ms · n=40$/);
    expect(byLine.get(lineOf(CONTROLLER, 'async create('))).toMatch(/^prod · .* · 0% err · p50 (99|100|101)ms p95 (99|100|101)ms p99 (99|100|101)ms · n=30$/);
    expect(byLine.get(lineOf(CONTROLLER, '  list(_req'))).toMatch(/n=5, too few for percentiles$/);
    expect(lenses).toHaveLength(3);
    expect(lenses[0]!.command!.command).toBe('prodlens.showFunction');
  });

  it('keeps same-named methods in different files apart', async () => {
    const lenses = await client.codeLenses(USERS);
    expect(lenses.map((l) => l.command!.title)).toEqual([expect.stringMatching(/0% err · .* · n=25$/)]);
    expect(lenses[0]!.range.start.line).toBe(lineOf(USERS, '  get('));
  });

  it('hovers with numbers, exemplars and mapping, with hostile attribute values inert', async () => {
    const hover = await client.hover(CONTROLLER, lineOf(CONTROLLER, '  get(req'));
    const md = (hover!.contents as { value: string }).value;
    expect(md).toContain('OrderController\\.get');
    expect(md).toMatch(/25% errors · p50 \d+ms · p95 \d+ms · p99 \d+ms · n=40/);
    expect(md).toContain('**Slowest traces**');
    expect(md).toContain('**Failing traces**');
    expect(md).toContain('order lookup failed');
    expect(md).toContain('Mapped by http\\.route (confidence 0.6)');
    // Every failing call carries the hostile tenant value and no other call does: the top contrast.
    expect(md).toMatch(/- tenant = \\\[run me.*: \d+% of slow\/failing calls vs 0% of the rest/);
    // Every markdown and HTML character from telemetry arrives backslash-escaped.
    expect(md).not.toContain('](command:');
    expect(md).not.toMatch(/(^|[^\\])<img/);
    expect(md).toContain('\\<img');
    expect(md).toContain('command\\:workbench');
  });

  it('reports telemetry with no function', async () => {
    const unmapped = await client.connection.sendRequest('prodlens/unmapped');
    expect(unmapped).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'shop', route: '/no/such/route', count: 3 })]));
  });
});
