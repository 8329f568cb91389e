/**
 * Functions wrapped with instrument/'s `traced(fn)` land on the symbol the index gives them: spans
 * recorded by the real SDK from a fixture module go through the real collector and engine, and each
 * function's calls sit on the name it is assigned to, on its declaration line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionStats } from '../../protocol/model';
import { DEFAULT_SETTINGS } from '../../protocol/settings';
import { openEngine } from '../../language-server/engine';
import { startTestCollector, type TestCollector } from '../support/collector';
import { lineOf } from './mapping-harness';

const ROOT = path.join(__dirname, '../fixtures/workspaces/traced-cart');
const FILE = 'src/cart.ts';

describe('spans from traced(fn) in a real service module', () => {
  let collector: TestCollector;
  let dir: string;
  let functions: FunctionStats[] = [];

  beforeAll(async () => {
    collector = await startTestCollector();
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-traced-'));
    const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': 'cart', 'service.version': '1.0.0' }) });
    provider.addSpanProcessor(new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.httpUrl}/v1/traces` })));
    provider.register();
    try {
      // Imported after the SDK is registered, as an application's entry point does.
      const cart = await import('../fixtures/workspaces/traced-cart/src/cart');
      await cart.checkout([1, 2]);
      await cart.priceCart([3]);
      cart.reserve('sku-1');
      expect(() => cart.reserve('')).toThrow(RangeError);
      await provider.forceFlush();
    } finally {
      await provider.shutdown();
      trace.disable();
    }
    const engine = await openEngine({
      root: ROOT,
      settings: { ...DEFAULT_SETTINGS, collectorUrl: collector.httpUrl },
      token: collector.token,
      dbFile: path.join(dir, 'store.db'),
      pullInBackground: false,
    });
    try {
      expect(await engine.catchUp()).toBe(5);
      functions = engine.allFunctionStats();
      expect(engine.unmapped()).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 60_000);

  afterAll(async () => {
    await collector?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function row(symbol: string): FunctionStats {
    const rows = functions.filter((f) => f.file === FILE && f.symbol === symbol);
    expect(rows, `${symbol} in ${JSON.stringify(functions.map((f) => f.symbol))}`).toHaveLength(1);
    return rows[0]!;
  }

  it('counts each wrapped function on the name it is assigned to, on its line', () => {
    expect(row('priceCart')).toMatchObject({ line: lineOf(ROOT, FILE, 'export const priceCart'), requests: 2, errors: 0, mappedBy: ['code.function.name'] });
    expect(row('checkout')).toMatchObject({ line: lineOf(ROOT, FILE, 'export const checkout'), requests: 1, errors: 0 });
    // An arrow has no name of its own (the span says "anonymous"): its line finds it.
    expect(row('reserve')).toMatchObject({ line: lineOf(ROOT, FILE, 'export const reserve'), requests: 2, errors: 1, thrownHere: 1 });
    expect(functions.map((f) => f.symbol).sort()).toEqual(['checkout', 'priceCart', 'reserve']);
  });
});
