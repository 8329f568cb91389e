/**
 * `prodlens/tool` through the real language server (in-memory stream pair): the request the VS Code
 * language-model tools send, against spans sent by the real SDK to a real collector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lsp from '../../protocol/lsp';
import { startTestCollector, type TestCollector } from '../support/collector';
import { startInMemory, type TestClient } from '../support/lsp-client';
import { sendSpans, type SpanSpec } from '../support/otel';

const root = path.resolve(__dirname, '../fixtures/workspaces/node-express');
const N = 120;

describe('language server: prodlens/tool', () => {
  let collector: TestCollector;
  let client: TestClient;
  let tmp: string;

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-tool-lsp-'));
    const spans: SpanSpec[] = Array.from({ length: N }, (_, i) => ({
      name: 'GET /api/orders/:id',
      kind: SpanKind.SERVER,
      attributes: { 'http.method': 'GET', 'http.route': '/api/orders/:id' },
      durationMs: 40 + (i % 10),
      ...(i % 20 === 0 ? { error: { message: 'boom' } } : {}),
    }));
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop', version: '1' }, spans);
    client = await startInMemory({
      root,
      initializationOptions: { settings: { collectorUrl: collector.httpUrl }, token: collector.token, dbFile: path.join(tmp, 'store.db') },
    });
    // Ingested once the tool itself reports every span.
    for (;;) {
      const { json } = await client.connection.sendRequest(lsp.tool, { name: 'function_stats', input: {} }).catch(() => ({ json: '{}' }));
      if (JSON.parse(json).functions?.[0]?.requests === N) break;
      await client.nextLensRefresh();
    }
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('answers function_stats by route with the numbers of the spans sent', async () => {
    const { json } = await client.connection.sendRequest(lsp.tool, { name: 'function_stats', input: { route: '/api/orders/:id', method: 'GET' } });
    const out = JSON.parse(json);
    expect(out.functions).toHaveLength(1);
    expect(out.functions[0]).toMatchObject({ file: 'src/controllers/order-controller.ts', symbol: 'OrderController.get', requests: N, errors: N / 20, errorRate: 0.05 });
    expect(out.functions[0].p50Ms).toBeGreaterThan(42);
    expect(out.functions[0].p50Ms).toBeLessThan(47);
  });

  it('rejects an unknown tool and bad input with the field named', async () => {
    await expect(client.connection.sendRequest(lsp.tool, { name: 'rm_rf', input: {} })).rejects.toThrow(/prodlens\/tool: name: Invalid option/);
    await expect(client.connection.sendRequest(lsp.tool, { name: 'function_stats', input: { limit: 0 } })).rejects.toThrow(
      /prodlens\/tool: function_stats: limit: Too small: expected number to be >=1/,
    );
    await expect(client.connection.sendRequest(lsp.tool, { name: 'trace', input: { traceId: 'f'.repeat(32) } })).rejects.toThrow(/trace: traceId: no spans of trace f{32}/);
  });
});
