import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MaintainResult, type Store, openStore } from '../../language-server/store';
import { MIN, T0_MS, batch, chargeCard, durations, exception, mapped, placeOrder, span, spansFor, tempDir, thrownIn } from './store-fixtures';

const DAY = 24 * 60 * MIN;
let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  store?.close();
  tmp.remove();
});

/** Runs maintain until it reports no more work, as the server does across ticks. */
function maintainFully(s: Store, nowMs: number): { calls: number; total: MaintainResult } {
  const total: MaintainResult = { spansDeletedByAge: 0, spansDeletedBySize: 0, rollupRowsCoarsened: 0, routeRowsCoarsened: 0, more: true };
  let calls = 0;
  while (total.more) {
    const r = s.maintain(nowMs);
    calls++;
    total.spansDeletedByAge += r.spansDeletedByAge;
    total.spansDeletedBySize += r.spansDeletedBySize;
    total.rollupRowsCoarsened += r.rollupRowsCoarsened;
    total.routeRowsCoarsened += r.routeRowsCoarsened;
    total.more = r.more;
    if (calls > 1000) throw new Error('maintain never finished');
  }
  return { calls, total };
}

describe('raw span retention', () => {
  it('deletes raw spans past the age bound in bounded chunks and keeps rollups', () => {
    store = openStore(':memory:', { retention: { rawMaxAgeMs: 3 * DAY, chunkRows: 10, maxChunks: 2 } });
    const old = spansFor(placeOrder, durations(45), T0_MS - 4 * DAY, 1000);
    const recent = spansFor(placeOrder, durations(5, 99), T0_MS - DAY, 1000);
    store.ingestBatch(batch('1', [...old, ...recent]));
    const bytesBefore = store.rawSpanUsage().bytes;

    const first = store.maintain(T0_MS);
    expect(first).toMatchObject({ spansDeletedByAge: 20, more: true });
    const { total } = maintainFully(store, T0_MS);
    expect(first.spansDeletedByAge + total.spansDeletedByAge).toBe(45);

    const usage = store.rawSpanUsage();
    expect(usage.spans).toBe(5);
    expect(usage.bytes).toBeGreaterThan(0);
    expect(usage.bytes).toBeLessThan(bytesBefore / 5);
    expect(store.trace(old[0]!.span.traceId)).toEqual([]);
    expect(store.trace(recent[0]!.span.traceId)).toHaveLength(1);
    // Rollups outlive raw spans.
    expect(store.functionStats({ fromMs: T0_MS - 5 * DAY, toMs: T0_MS })[0]!.requests).toBe(50);
  });

  it('trims raw spans to the size bound, oldest first', () => {
    store = openStore(':memory:', { retention: { rawMaxBytes: 1_000_000_000, chunkRows: 25 } });
    const all = spansFor(placeOrder, durations(400), T0_MS, 1000);
    store.ingestBatch(batch('1', all));
    const full = store.rawSpanUsage();
    store.close();

    store = openStore(':memory:', { retention: { rawMaxBytes: Math.floor(full.bytes / 2), chunkRows: 25 } });
    store.ingestBatch(batch('1', all));
    const { total } = maintainFully(store, T0_MS + 400_000);
    const usage = store.rawSpanUsage();
    expect(usage.bytes).toBeLessThanOrEqual(full.bytes / 2);
    expect(usage.spans).toBe(400 - total.spansDeletedBySize);
    expect(usage.spans).toBeGreaterThan(150);
    // What is left is the newest spans, contiguous up to the last one.
    const kept = all.filter((x) => store.trace(x.span.traceId).length === 1).map((x) => x.span.spanId);
    expect(kept).toEqual(all.slice(400 - usage.spans).map((x) => x.span.spanId));
  });
});

describe('coarsening minute rollups into hours', () => {
  it('keeps counts, errors, thrown-here, percentiles, routes and exemplars exact', () => {
    const file = tmp.file('store.db');
    store = openStore(file, { retention: { chunkRows: 7, maxChunks: 3 } });
    const start = T0_MS - 3 * DAY - 30 * MIN;
    const ds = durations(600);
    const items = ds.map((d, i) => ({
      span: span({
        atMs: start + i * 20_000,
        durationMs: d,
        version: i < 300 ? '1.0.0' : '1.1.0',
        statusCode: i % 17 === 0 ? (2 as const) : (0 as const),
        exceptions: i % 17 === 0 ? [exception('CardError', 'declined')] : [],
      }),
      resolution: mapped(i % 3 === 0 ? chargeCard : placeOrder),
      thrown: i % 17 === 0 ? thrownIn(chargeCard) : null,
    }));
    store.ingestBatch(batch('1', items));
    // Recent data stays at minute resolution.
    store.ingestBatch(batch('2', spansFor(placeOrder, [1, 2, 3], T0_MS - 10 * MIN)));

    const oldWindow = { fromMs: start - 60 * MIN, toMs: start + 4 * 60 * MIN };
    const recentWindow = { fromMs: T0_MS - 60 * MIN, toMs: T0_MS };
    const before = store.functionStats(oldWindow);
    const beforeRoutes = store.versionRollups('shop', 'production', '1.1.0', oldWindow).routes;
    const beforeSlowest = store.functionDetail(placeOrder, oldWindow)!.slowest;
    const recentBefore = store.functionStats(recentWindow);

    const { calls, total } = maintainFully(store, T0_MS);
    expect(calls).toBeGreaterThan(1);
    expect(total.rollupRowsCoarsened).toBeGreaterThan(100);

    expect(store.functionStats(oldWindow)).toEqual(before);
    expect(before.reduce((n, s) => n + s.requests, 0)).toBe(600);
    expect(before.find((s) => s.symbol === 'charge')!.thrownHere).toBe(36);
    expect(store.versionRollups('shop', 'production', '1.1.0', oldWindow).routes).toEqual(beforeRoutes);
    expect(store.functionDetail(placeOrder, oldWindow)!.slowest).toEqual(beforeSlowest);
    expect(store.functionStats(recentWindow)).toEqual(recentBefore);

    const raw = new Database(file, { readonly: true });
    const widths = raw.prepare('SELECT width_min AS w, count(*) AS n FROM fn_rollup GROUP BY width_min ORDER BY w').all();
    raw.close();
    // 600 spans, 20 s apart, over 3 h 20 min touching 4 clock hours, 2 functions, version switch
    // inside one hour; only the 3 recent minutes of placeOrder stay minute rows.
    expect(widths).toEqual([
      { w: 1, n: 1 },
      { w: 60, n: 10 },
    ]);
    expect(maintainFully(store, T0_MS).total.rollupRowsCoarsened).toBe(0);
  });

  it('writes spans that arrive after their minute was coarsened straight into the hour row', () => {
    const file = tmp.file('store.db');
    store = openStore(file);
    const oldHour = T0_MS - 3 * DAY;
    store.ingestBatch(batch('1', spansFor(placeOrder, [10, 20, 30], oldHour, MIN)));
    maintainFully(store, T0_MS);
    store.ingestBatch(batch('2', spansFor(placeOrder, [40, 50], oldHour + 30 * MIN, MIN)));
    expect(maintainFully(store, T0_MS).total.rollupRowsCoarsened).toBe(0);

    const stats = store.functionStats({ fromMs: oldHour, toMs: oldHour + 60 * MIN })[0]!;
    expect(stats.requests).toBe(5);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT width_min AS w, count AS n FROM fn_rollup').all()).toEqual([{ w: 60, n: 5 }]);
    raw.close();
  });
});
