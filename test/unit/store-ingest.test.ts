import { afterEach, describe, expect, it } from 'vitest';
import { type Store, openStore } from '../../language-server/store';
import {
  MIN,
  T0_MS,
  batch,
  cancelOrder,
  chargeCard,
  durations,
  exactQuantile,
  exception,
  logFor,
  mapped,
  placeOrder,
  span,
  spansFor,
  thrownIn,
  unmapped,
} from './store-fixtures';

let store: Store;
afterEach(() => store?.close());

const window = { fromMs: T0_MS, toMs: T0_MS + 60 * MIN };

describe('ingest and read back', () => {
  it('returns exact counts and percentiles within 1.1 % of the exact values', () => {
    store = openStore(':memory:');
    const ds = durations(3000);
    // Three batches, so the histogram merge across upserts is exercised too.
    store.ingestBatch(batch('1', spansFor(placeOrder, ds.slice(0, 1000), T0_MS, 10)));
    store.ingestBatch(batch('2', spansFor(placeOrder, ds.slice(1000, 2000), T0_MS + 10_000, 10)));
    store.ingestBatch(batch('3', spansFor(placeOrder, ds.slice(2000), T0_MS + 20 * MIN, 10)));

    const [stats, ...rest] = store.functionStats(window);
    expect(rest).toEqual([]);
    expect(stats).toMatchObject({ file: 'src/orders.ts', symbol: 'OrderService.place', line: 12, requests: 3000, errors: 0 });
    expect(stats!.ratePerMin).toBeCloseTo(50, 10);
    expect(stats!.mappedBy).toEqual(['code.function.name']);
    for (const [q, got] of [[0.5, stats!.p50Ms], [0.95, stats!.p95Ms], [0.99, stats!.p99Ms]] as const) {
      const exact = exactQuantile(ds, q);
      expect(Math.abs(got! - exact) / exact).toBeLessThan(0.011);
    }
  });

  it('counts errors, thrown-here, confidence and ambiguity per function, and filters by file', () => {
    store = openStore(':memory:');
    const failing = span({ statusCode: 2, statusMessage: 'card declined', exceptions: [exception('CardError', 'declined')] });
    store.ingestBatch(
      batch('1', [
        { span: span(), resolution: mapped(placeOrder), thrown: null },
        { span: failing, resolution: mapped(placeOrder), thrown: thrownIn(chargeCard) },
        { span: span(), resolution: mapped(cancelOrder, { mappedBy: 'http.route', confidence: 0.6, alternatives: [placeOrder] }), thrown: null },
        { span: span(), resolution: mapped(cancelOrder, { mappedBy: 'span.name', confidence: 0.4 }), thrown: null },
      ]),
    );
    const stats = store.functionStats(window);
    expect(stats.map((s) => [s.symbol, s.requests, s.errors, s.thrownHere])).toEqual([
      ['OrderService.place', 2, 1, 0],
      ['OrderService.cancel', 2, 0, 0],
      ['charge', 0, 0, 1],
    ]);
    const place = stats[0]!;
    expect(place.errorRate).toBe(0.5);
    const cancel = stats[1]!;
    expect(cancel.confidence).toBeCloseTo(0.5, 10);
    expect(cancel.ambiguous).toBe(true);
    expect(cancel.mappedBy.sort()).toEqual(['http.route', 'span.name']);
    expect(stats[2]!.errorRate).toBeNull();
    expect(stats[2]!.p50Ms).toBeNull();

    expect(store.functionStats({ ...window, files: ['src/payments.ts'] }).map((s) => s.symbol)).toEqual(['charge']);
    expect(store.functionStats({ ...window, services: ['other'] })).toEqual([]);
    expect(store.functionStats({ ...window, environments: ['production'] })).toHaveLength(3);
  });

  it('only counts spans inside the window', () => {
    store = openStore(':memory:');
    store.ingestBatch(batch('1', spansFor(placeOrder, [1, 2, 3], T0_MS - 2 * MIN, MIN)));
    expect(store.functionStats({ fromMs: T0_MS - 2 * MIN, toMs: T0_MS })[0]!.requests).toBe(2);
    expect(store.functionStats({ fromMs: T0_MS, toMs: T0_MS + MIN })[0]!.requests).toBe(1);
    expect(store.functionStats({ fromMs: T0_MS + MIN, toMs: T0_MS + 2 * MIN })).toEqual([]);
  });

  it('attaches exceptions from log records to their span and counts them as thrown here once', () => {
    store = openStore(':memory:');
    const s1 = span({ statusCode: 2 });
    const s2 = span({ statusCode: 2, exceptions: [exception('CardError', 'declined')] });
    // s1's exception arrives only as a log in the same batch; s2 carries it as an event and as a log
    // (the SDK's logs/dup mode), which must not count twice.
    store.ingestBatch(
      batch(
        '1',
        [
          { span: s1, resolution: mapped(placeOrder), thrown: null },
          { span: s2, resolution: mapped(placeOrder), thrown: thrownIn(chargeCard) },
        ],
        [
          { log: logFor(s1, exception('TimeoutError', 'db timeout')), thrown: thrownIn(chargeCard) },
          { log: logFor(s2, exception('CardError', 'declined')), thrown: thrownIn(chargeCard) },
        ],
      ),
    );
    // s3 is stored first; its exception log arrives in a later batch.
    const s3 = span({ statusCode: 2 });
    store.ingestBatch(batch('2', [{ span: s3, resolution: mapped(placeOrder), thrown: null }]));
    store.ingestBatch(batch('3', [], [{ log: logFor(s3, exception('TimeoutError', 'db timeout again')), thrown: thrownIn(chargeCard) }]));

    const charge = store.functionStats(window).find((s) => s.symbol === 'charge')!;
    expect(charge.thrownHere).toBe(3);
    expect(store.trace(s1.traceId)[0]!.exceptions.map((e) => [e.type, e.source])).toEqual([['TimeoutError', 'log']]);
    expect(store.trace(s2.traceId)[0]!.exceptions.map((e) => [e.type, e.source])).toEqual([['CardError', 'event']]);
    expect(store.trace(s3.traceId)[0]!.exceptions.map((e) => e.message)).toEqual(['db timeout again']);
    const types = store.versionRollups('shop', 'production', '1.0.0', window).errorTypes;
    expect(types.map((t) => [t.fn?.qualifiedName, t.type, t.count])).toEqual([
      ['charge', 'TimeoutError', 2],
      ['charge', 'CardError', 1],
    ]);
  });

  it('counts unmapped telemetry by service, name, route and reason', () => {
    store = openStore(':memory:');
    const health = (): ReturnType<typeof span> => span({ name: 'GET /health', attributes: { 'http.route': '/health' } });
    store.ingestBatch(
      batch('1', [
        { span: health(), resolution: unmapped('route-not-found'), thrown: null },
        { span: health(), resolution: unmapped('route-not-found'), thrown: null },
        { span: span({ name: 'tick', attributes: {}, atMs: T0_MS + 5 * MIN }), resolution: unmapped('no-code-signal'), thrown: null },
      ]),
    );
    store.ingestBatch(batch('2', [{ span: health(), resolution: unmapped('route-not-found'), thrown: null }]));
    expect(store.unmapped()).toEqual([
      { service: 'shop', name: 'GET /health', route: '/health', reason: 'route-not-found', count: 3, lastSeenMs: T0_MS },
      { service: 'shop', name: 'tick', route: null, reason: 'no-code-signal', count: 1, lastSeenMs: T0_MS + 5 * MIN },
    ]);
    expect(store.functionStats(window)).toEqual([]);
  });

  it('looks up a whole trace in start order, with function, attributes and kept resource attributes', () => {
    store = openStore(':memory:');
    const root = span({ atMs: T0_MS, durationMs: 50 });
    const child = span({
      traceId: root.traceId,
      parentSpanId: root.spanId,
      name: 'charge',
      kind: 3,
      atMs: T0_MS + 5,
      startNs: root.startNs + 5_000_123n,
      attributes: { 'db.system': 'postgresql', retries: 2, cached: false },
    });
    store.ingestBatch(batch('1', [{ span: child, resolution: mapped(chargeCard), thrown: null }, { span: root, resolution: unmapped(), thrown: null }]));
    const trace = store.trace(root.traceId);
    expect(trace.map((s) => s.spanId)).toEqual([root.spanId, child.spanId]);
    expect(trace[1]).toMatchObject({
      parentSpanId: root.spanId,
      fn: chargeCard,
      startNs: root.startNs + 5_000_123n,
      durationUs: 10_000,
      attributes: { 'db.system': 'postgresql', retries: 2, cached: false, 'service.instance.id': 'pod-a' },
    });
    expect(trace[1]!.attributes).not.toHaveProperty('process.pid');
    expect(trace[0]!.fn).toBeNull();
    expect(store.trace('f'.repeat(32))).toEqual([]);
  });

  it('records entry-span traffic per version', () => {
    store = openStore(':memory:');
    store.ingestBatch(
      batch('1', [
        { span: span({ name: 'POST /orders' }), resolution: mapped(placeOrder), thrown: null },
        { span: span({ name: 'POST /orders', statusCode: 2 }), resolution: mapped(placeOrder), thrown: null },
        { span: span({ name: 'GET /orders/:id' }), resolution: mapped(cancelOrder), thrown: null },
        // An internal child span is not an entry point.
        { span: span({ name: 'charge', kind: 1, parentSpanId: 'a'.repeat(16) }), resolution: mapped(chargeCard), thrown: null },
        { span: span({ name: 'POST /orders', version: '1.1.0' }), resolution: mapped(placeOrder), thrown: null },
      ]),
    );
    const v1 = store.versionRollups('shop', 'production', '1.0.0', window);
    expect(v1.routes).toEqual([
      { route: 'POST /orders', requests: 2, errors: 1 },
      { route: 'GET /orders/:id', requests: 1, errors: 0 },
    ]);
    expect(v1.functions.map((f) => [f.fn.qualifiedName, f.requests, f.errors]).sort()).toEqual([
      ['OrderService.cancel', 1, 0],
      ['OrderService.place', 2, 1],
      ['charge', 1, 0],
    ]);
    const place = v1.functions.find((f) => f.fn.qualifiedName === 'OrderService.place')!;
    expect([...place.histogram.values()].reduce((a, b) => a + b, 0)).toBe(2);
    expect(place.sumUs).toBe(20_000);
    expect(store.versionRollups('shop', 'production', '1.1.0', window).routes).toEqual([{ route: 'POST /orders', requests: 1, errors: 0 }]);
  });
});
