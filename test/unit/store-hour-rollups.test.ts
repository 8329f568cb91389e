import Database from 'better-sqlite3';
import fc from 'fast-check';
import { type Buckets, HistogramDecodeError, decodeBuckets, encodeBuckets, mergeInto, record } from '../../language-server/analysis/histogram';
import { addEncodedBuckets } from '../../language-server/store/tables/rollups';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../language-server/store';
import { planWindow } from '../../language-server/store/queries';
import schemaSql from '../../language-server/store/schema.sql';
import { MIN, T0_MS, batch, cancelOrder, durations, placeOrder, spansFor, tempDir } from './store-fixtures';

const HOUR = 60 * MIN;
let tmp: ReturnType<typeof tempDir>;
let store: Store | undefined;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  store?.close();
  store = undefined;
  tmp.remove();
});

describe('planWindow', () => {
  it('reads whole hours from fn_hour and the ragged minutes from fn_rollup', () => {
    expect(planWindow(90, 400, 0)).toEqual({ hours: { fromMin: 120, toMin: 360 }, edges: [{ fromMin: 90, toMin: 120 }, { fromMin: 360, toMin: 400 }] });
    expect(planWindow(120, 360, 0)).toEqual({ hours: { fromMin: 120, toMin: 360 }, edges: [] });
  });

  it('reads fn_rollup alone for windows under an hour of whole hours and before fn_hour is complete', () => {
    expect(planWindow(90, 170, 0)).toEqual({ hours: null, edges: [{ fromMin: 90, toMin: 170 }] });
    expect(planWindow(0, 600, 300)).toEqual({ hours: { fromMin: 300, toMin: 600 }, edges: [{ fromMin: 0, toMin: 300 }] });
    expect(planWindow(0, 600, 10_000)).toEqual({ hours: null, edges: [{ fromMin: 0, toMin: 600 }] });
  });
});

/** Spans every 7 minutes over three days, for two functions, in several batches. */
function fill(s: Store): void {
  const start = T0_MS - 3 * 24 * HOUR;
  let cursor = 1;
  for (let at = start; at < T0_MS; at += 6 * HOUR) {
    const ds = durations(52, cursor);
    s.ingestBatch(batch(String(cursor++), [...spansFor(placeOrder, ds, at, 7 * MIN), ...spansFor(cancelOrder, ds.slice(0, 13), at + 3 * MIN, 27 * MIN)]));
  }
}

function stats(s: Store, fromMs: number, toMs: number) {
  return s.functionStats({ fromMs, toMs }).map(({ symbol, requests, errors, p50Ms, p95Ms, p99Ms }) => ({ symbol, requests, errors, p50Ms, p95Ms, p99Ms }));
}

const WINDOWS: Array<[number, number]> = [
  [T0_MS - 7 * 24 * HOUR, T0_MS],
  [T0_MS - 50 * HOUR - 17 * MIN, T0_MS - 3 * HOUR + 29 * MIN],
  [T0_MS - 26 * HOUR + 1234, T0_MS - 90 * MIN],
  [T0_MS - 30 * MIN, T0_MS],
];

describe('hour rollups', () => {
  it('answer every window exactly as the minute rollups do', () => {
    const file = tmp.file('hours.db');
    store = openStore(file);
    fill(store);
    const tiered = WINDOWS.map(([a, b]) => stats(store!, a, b));
    const detail = store.functionDetail(placeOrder, { fromMs: WINDOWS[1]![0], toMs: WINDOWS[1]![1] });
    store.close();

    // Pretend fn_hour is never complete, so every read goes to fn_rollup alone.
    const raw = new Database(file);
    raw.prepare(`UPDATE meta SET value = ? WHERE key = 'hour_rollups_from_min'`).run(String(Number.MAX_SAFE_INTEGER));
    raw.close();
    store = openStore(file);
    const minutes = WINDOWS.map(([a, b]) => stats(store!, a, b));
    expect(tiered).toEqual(minutes);
    expect(tiered[0]!.map((r) => r.requests)).toEqual([52 * 12, 13 * 12]);
    const fromMinutes = store.functionDetail(placeOrder, { fromMs: WINDOWS[1]![0], toMs: WINDOWS[1]![1] });
    expect(detail?.stats).toEqual(fromMinutes?.stats);
    expect(detail?.slowest).toEqual(fromMinutes?.slowest);
  });

  it('stay exact after maintenance coarsens old minutes into hour rows', () => {
    store = openStore(':memory:', { retention: { coarsenAfterMs: 24 * HOUR } });
    fill(store);
    const before = WINDOWS.map(([a, b]) => stats(store!, a, b));
    while (store.maintain(T0_MS).more) {
      /* coarsen in chunks */
    }
    const after = WINDOWS.map(([a, b]) => stats(store!, a, b));
    expect(after[0]).toEqual(before[0]);
    expect(after[3]).toEqual(before[3]);
  });

  it('are complete only from the next hour in a store migrated from version 1 with data', () => {
    const file = tmp.file('v1.db');
    const raw = new Database(file);
    raw.exec(schemaSql);
    raw.pragma('user_version = 1');
    raw.pragma('application_id = 0x50524c4e');
    raw.exec(`INSERT INTO functions VALUES (1, 'src/orders.ts', 'OrderService.place', 11)`);
    raw.exec(`INSERT INTO series VALUES (1, 'shop', 'production', '1.0.0')`);
    raw.prepare(`INSERT INTO fn_rollup VALUES (?, 1, 1, 1, 4, 1, 0, 4000, 500, 1500, X'', 1, 4, 0, '{"s":[],"e":[]}')`).run(Math.floor((Date.now() - 3 * HOUR) / MIN));
    raw.close();
    store = openStore(file);
    const requests = store.functionStats({ fromMs: Date.now() - 24 * HOUR, toMs: Date.now() }).map((s) => s.requests);
    expect(requests).toEqual([4]);
    store.close();
    store = undefined;
    const after = new Database(file, { readonly: true });
    const mark = Number((after.prepare(`SELECT value FROM meta WHERE key = 'hour_rollups_from_min'`).get() as { value: string }).value);
    after.close();
    expect(mark % 60).toBe(0);
    expect(mark).toBeGreaterThan(Date.now() / MIN);
  });
});

describe('addEncodedBuckets', () => {
  it('adds an encoded histogram exactly as decoding and merging does, and rejects a truncated one alike', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -400, max: 1200 }), fc.integer({ min: 1, max: 2 ** 40 })), { maxLength: 60 }), fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { maxLength: 30 }), (pairs, values) => {
        const source: Buckets = new Map(pairs);
        const base: Buckets = new Map();
        for (const v of values) record(base, v);
        const expected = mergeInto(new Map(base), decodeBuckets(encodeBuckets(source)));
        expect(addEncodedBuckets(new Map(base), encodeBuckets(source))).toEqual(expected);
      }),
    );
    const truncated = encodeBuckets(new Map([[300, 2 ** 30]])).slice(0, -1);
    expect(() => addEncodedBuckets(new Map(), truncated)).toThrow(HistogramDecodeError);
  });
});
