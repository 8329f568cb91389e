import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../language-server/store';
import type { SpanRecord } from '../../language-server/ingest/span';
import type { IngestBatch } from '../../language-server/store/types';
import { MIN, T0_MS, batch, chargeCard, mapped, placeOrder, span } from './store-fixtures';

let store: Store;
afterEach(() => store?.close());

type Item = IngestBatch['spans'][number];

/** A SERVER span mapped by route and an INTERNAL handler span inside it, both naming `placeOrder`. */
function call(durationMs: number, childMs: number, o: { childFn?: typeof placeOrder; error?: boolean; atMs?: number } = {}): { server: Item; handler: Item } {
  const server = span({ atMs: o.atMs ?? T0_MS, durationMs, kind: 2, statusCode: o.error ? 2 : 0 });
  const handler: SpanRecord = { ...span({ atMs: o.atMs ?? T0_MS, durationMs: childMs, kind: 1, name: 'handler - place' }), traceId: server.traceId, parentSpanId: server.spanId };
  return {
    server: { span: server, resolution: mapped(placeOrder, { mappedBy: 'http.route', confidence: 0.9 }), thrown: null },
    handler: { span: handler, resolution: mapped(o.childFn ?? placeOrder, { mappedBy: 'framework', confidence: 0.8 }), thrown: null },
  };
}

function place(s: Store, windowMs = 60 * MIN) {
  return s.functionStats({ fromMs: T0_MS - windowMs, toMs: T0_MS + windowMs }).find((f) => f.symbol === placeOrder.qualifiedName);
}

describe('a handler span inside a server span of the same function', () => {
  it('is one call when both arrive in one batch, in either order, with the server span latency', () => {
    store = openStore(':memory:');
    const a = call(40, 10);
    const b = call(80, 20);
    store.ingestBatch(batch('1', [a.handler, a.server, b.server, b.handler]));
    const stats = place(store)!;
    expect(stats.requests).toBe(2);
    expect(stats.p99Ms).toBeCloseTo(80, -0.5);
    expect(stats.confidence).toBeCloseTo(0.9);
    expect(store.trace(a.server.span.traceId)).toHaveLength(2);
  });

  it('is one call when the handler came in an earlier batch, and the server span counts', () => {
    store = openStore(':memory:');
    const calls = [call(40, 10, { error: true }), call(50, 10), call(60, 10, { atMs: T0_MS - 3 * 24 * 60 * MIN })];
    store.ingestBatch(batch('1', calls.map((c) => c.handler)));
    expect(place(store, 4 * 24 * 60 * MIN)!.requests).toBe(3);
    store.ingestBatch(batch('2', calls.map((c) => c.server)));
    const stats = place(store, 4 * 24 * 60 * MIN)!;
    expect(stats.requests).toBe(3);
    expect(stats.errors).toBe(1);
    expect(stats.p50Ms).toBeCloseTo(50, -0.5);
    // The 1 h window reads minute rows, the 4 d window hour rows: both saw the handler taken back.
    expect(place(store)!.requests).toBe(2);
  });

  it('counts a child that maps to another function, and a server span whose handler maps elsewhere', () => {
    store = openStore(':memory:');
    const c = call(40, 10, { childFn: chargeCard });
    store.ingestBatch(batch('1', [c.handler]));
    store.ingestBatch(batch('2', [c.server]));
    const all = store.functionStats({ fromMs: T0_MS - MIN, toMs: T0_MS + MIN });
    expect(all.map((f) => [f.symbol, f.requests])).toEqual([
      ['OrderService.place', 1],
      ['charge', 1],
    ]);
  });

  it('forgets nothing when a batch rolls back', () => {
    store = openStore(':memory:');
    const c = call(40, 10);
    store.ingestBatch(batch('1', [c.handler]));
    const poisoned: Item = { ...c.server, span: { ...c.server.span, startNs: 'not a time' as unknown as bigint } };
    expect(() => store.ingestBatch(batch('2', [poisoned]))).toThrow();
    store.ingestBatch(batch('2', [c.server]));
    expect(place(store)!.requests).toBe(1);
  });
});
