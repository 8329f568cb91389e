import { afterEach, describe, expect, it } from 'vitest';
import { totalCount } from '../../language-server/analysis/histogram';
import { type Store, openStore } from '../../language-server/store';
import { MIN, T0_MS, batch, cancelOrder, chargeCard, durations, exception, mapped, placeOrder, span, thrownIn } from './store-fixtures';

let store: Store;
afterEach(() => store?.close());

const window = { fromMs: T0_MS, toMs: T0_MS + 60 * MIN };

function fill(s: Store): { ds: number[] } {
  const ds = durations(400);
  const items = ds.map((d, i) => {
    const failing = i % 50 === 7;
    return {
      span: span({
        atMs: T0_MS + i * 6_000,
        durationMs: d,
        version: i < 200 ? '1.0.0' : '1.1.0',
        statusCode: failing ? (2 as const) : (0 as const),
        statusMessage: failing ? 'payment failed' : '',
        exceptions: failing ? [exception('CardError', `declined #${i}`)] : [],
        attributes: { 'http.route': '/orders', 'user.tier': i % 2 === 0 ? 'free' : 'paid' },
      }),
      resolution: mapped(placeOrder),
      thrown: failing ? thrownIn(chargeCard) : null,
    };
  });
  // Split into batches so exemplars are merged across upserts of the same minute row.
  for (let b = 0; b < 4; b++) s.ingestBatch(batch(String(b + 1), items.slice(b * 100, (b + 1) * 100)));
  return { ds };
}

describe('functionDetail (hover data)', () => {
  it('returns the merged histogram, versions, slowest and failing exemplars', () => {
    store = openStore(':memory:');
    const { ds } = fill(store);
    const d = store.functionDetail(placeOrder, window)!;
    expect(d.fn).toEqual(placeOrder);
    expect(d.stats).toMatchObject({ requests: 400, errors: 8, symbol: 'OrderService.place' });
    expect(totalCount(d.histogram)).toBe(400);
    expect(d.versions).toEqual([
      { service: 'shop', environment: 'production', version: '1.0.0', requests: 200, errors: 4 },
      { service: 'shop', environment: 'production', version: '1.1.0', requests: 200, errors: 4 },
    ]);

    const slowestExact = [...ds].sort((a, b) => b - a).slice(0, 5).map((ms) => ms * 1000);
    expect(d.slowest.map((e) => e.durationUs)).toEqual(slowestExact);
    const slowIndex = ds.indexOf(slowestExact[0]! / 1000);
    expect(d.slowest[0]!.startMs).toBe(T0_MS + slowIndex * 6_000);

    // One fingerprint (CardError thrown in charge): first and last failing span, total count 8.
    expect(d.failing).toHaveLength(1);
    expect(d.failing[0]).toMatchObject({ type: 'CardError', count: 8 });
    expect(d.failing[0]!.first).toMatchObject({ message: 'declined #7', startMs: T0_MS + 7 * 6_000, statusCode: 2 });
    expect(d.failing[0]!.last).toMatchObject({ message: 'declined #357', startMs: T0_MS + 357 * 6_000 });
  });

  it('returns recent raw spans and the slow or failing ones for a BubbleUp comparison', () => {
    store = openStore(':memory:');
    const { ds } = fill(store);
    const d = store.functionDetail(placeOrder, window, { spanLimit: 50, outlierLimit: 1000 })!;
    expect(d.spans).toHaveLength(50);
    expect(d.spans[0]!.startNs).toBeGreaterThan(d.spans[49]!.startNs);
    expect(d.spans[0]!.attributes['user.tier']).toBe('paid');

    const p95Us = d.stats!.p95Ms! * 1000;
    const failing = d.outliers.filter((s) => s.statusCode === 2);
    expect(failing).toHaveLength(8);
    const slow = d.outliers.filter((s) => s.statusCode !== 2);
    expect(slow.every((s) => s.durationUs >= p95Us / 1.011)).toBe(true);
    // Every span at least as slow as the exact p95's neighbour bucket is in the outliers.
    const expectedSlow = ds.filter((ms, i) => i % 50 !== 7 && ms * 1000 >= p95Us * 1.011).length;
    expect(slow.length).toBeGreaterThanOrEqual(expectedSlow);
    expect(slow.length).toBeLessThan(40);
  });

  it('is null for a function telemetry never reached and has no stats outside the window', () => {
    store = openStore(':memory:');
    fill(store);
    expect(store.functionDetail(cancelOrder, window)).toBeNull();
    const later = store.functionDetail(placeOrder, { fromMs: T0_MS + 2 * 60 * MIN, toMs: T0_MS + 3 * 60 * MIN })!;
    expect(later.stats).toBeNull();
    expect(later.spans).toEqual([]);
    expect(later.outliers).toEqual([]);
    expect(later.slowest).toEqual([]);
  });
});
