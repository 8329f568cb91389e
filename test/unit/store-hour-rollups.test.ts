import Database from 'better-sqlite3';
import fc from 'fast-check';
import { type Buckets, HistogramDecodeError, decodeBuckets, encodeBuckets, mergeInto, record } from '../../language-server/analysis/histogram';
import { addEncodedBuckets } from '../../language-server/store/tables/rollups';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../language-server/store';
import { planWindow } from '../../language-server/store/queries';
import schemaSql from '../../language-server/store/schema.sql';
import type { SpanRecord } from '../../language-server/ingest/span';
import { MIN, T0_MS, batch, cancelOrder, durations, mapped, placeOrder, span, spansFor, tempDir } from './store-fixtures';

const HOUR = 60 * MIN;
/** A hoursToMin past every window below: fn_hour rolled up to now. */
const ROLLED = 10_000;
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
    expect(planWindow(90, 400, 0, ROLLED)).toEqual({ hours: { fromMin: 120, toMin: 360 }, edges: [{ fromMin: 90, toMin: 120 }, { fromMin: 360, toMin: 400 }] });
    expect(planWindow(120, 360, 0, ROLLED)).toEqual({ hours: { fromMin: 120, toMin: 360 }, edges: [] });
  });

  it('reads fn_rollup alone for windows under an hour of whole hours and before fn_hour is complete', () => {
    expect(planWindow(90, 170, 0, ROLLED)).toEqual({ hours: null, edges: [{ fromMin: 90, toMin: 170 }] });
    expect(planWindow(0, 600, 300, ROLLED)).toEqual({ hours: { fromMin: 300, toMin: 600 }, edges: [{ fromMin: 0, toMin: 300 }] });
    expect(planWindow(0, 600, 10_000, ROLLED)).toEqual({ hours: null, edges: [{ fromMin: 0, toMin: 600 }] });
  });

  it('reads the hours not rolled into fn_hour yet from fn_rollup', () => {
    expect(planWindow(90, 400, 0, 240)).toEqual({ hours: { fromMin: 120, toMin: 240 }, edges: [{ fromMin: 90, toMin: 120 }, { fromMin: 240, toMin: 400 }] });
    expect(planWindow(90, 400, 120, 180)).toEqual({ hours: { fromMin: 120, toMin: 180 }, edges: [{ fromMin: 90, toMin: 120 }, { fromMin: 180, toMin: 400 }] });
    expect(planWindow(90, 400, 120, 120)).toEqual({ hours: null, edges: [{ fromMin: 90, toMin: 400 }] });
    expect(planWindow(90, 400, 0, 0)).toEqual({ hours: null, edges: [{ fromMin: 90, toMin: 400 }] });
  });
});

/** Spans every 7 minutes over three days, for two functions, in several batches (cursors 1 to 12). */
function fill(s: Store): void {
  const start = T0_MS - 3 * 24 * HOUR;
  let cursor = 1;
  for (let at = start; at < T0_MS; at += 6 * HOUR) {
    const ds = durations(52, cursor);
    s.ingestBatch(batch(String(cursor++), [...spansFor(placeOrder, ds, at, 7 * MIN), ...spansFor(cancelOrder, ds.slice(0, 13), at + 3 * MIN, 27 * MIN)]));
  }
}

function maintainFully(s: Store, nowMs: number): void {
  for (let calls = 0; s.maintain(nowMs).more; calls++) {
    if (calls > 1000) throw new Error('maintain never finished');
  }
}

type Window = [number, number];

function stats(s: Store, [fromMs, toMs]: Window) {
  return s.functionStats({ fromMs, toMs }).map(({ symbol, requests, errors, p50Ms, p95Ms, p99Ms }) => ({ symbol, requests, errors, p50Ms, p95Ms, p99Ms }));
}

const WINDOWS: Window[] = [
  [T0_MS - 7 * 24 * HOUR, T0_MS + 2 * HOUR],
  [T0_MS - 50 * HOUR - 17 * MIN, T0_MS - 3 * HOUR + 29 * MIN],
  [T0_MS - 26 * HOUR + 1234, T0_MS - 90 * MIN],
  [T0_MS - 30 * MIN, T0_MS],
];

let copies = 0;

/** The windows read from fn_rollup alone: from a copy of the store file in which fn_hour is never complete. */
function minuteStats(file: string, windows: Window[] = WINDOWS) {
  const copy = tmp.file(`minutes-${copies++}.db`);
  const raw = new Database(file, { readonly: true });
  raw.prepare('VACUUM INTO ?').run(copy);
  raw.close();
  const writable = new Database(copy);
  writable.prepare(`UPDATE meta SET value = ? WHERE key = 'hour_rollups_from_min'`).run(String(Number.MAX_SAFE_INTEGER));
  writable.close();
  const minutes = openStore(copy);
  try {
    return windows.map((w) => stats(minutes, w));
  } finally {
    minutes.close();
  }
}

/** Reads a store file beside its open Store (WAL lets both see the committed state). */
function inspect<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const rolledTo = (file: string): number | null =>
  inspect(file, (db) => {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'hour_rollups_to_min'`).get() as { value: string } | undefined;
    return row ? Number(row.value) : null;
  });

const hourRows = (file: string, where = 'TRUE'): Array<{ hour: number; fnId: number; count: number }> =>
  inspect(file, (db) => db.prepare(`SELECT hour, fn_id AS fnId, count FROM fn_hour WHERE ${where} ORDER BY hour, fn_id`).all() as Array<{ hour: number; fnId: number; count: number }>);

/** The fn_rollup counts summed per function and hour, what fn_hour must hold for every rolled hour. */
const minuteSums = (file: string, where = 'TRUE'): Array<{ hour: number; fnId: number; count: number }> =>
  inspect(file, (db) =>
    db
      .prepare(`SELECT minute / 60 * 60 AS hour, fn_id AS fnId, sum(count) AS count FROM fn_rollup WHERE ${where} GROUP BY hour, fn_id ORDER BY hour, fn_id`)
      .all() as Array<{ hour: number; fnId: number; count: number }>,
  );

/** T0 as a Unix minute; T0 is a whole hour. */
const T0_MIN = T0_MS / MIN;

/** A placeOrder call: its SERVER span and the handler span inside it, as store-nested-calls.test.ts builds them. */
function nestedCall(atMs: number, durationMs: number, childMs: number) {
  const server = span({ atMs, durationMs, kind: 2 });
  const handler: SpanRecord = { ...span({ atMs, durationMs: childMs, kind: 1, name: 'handler - place' }), traceId: server.traceId, parentSpanId: server.spanId };
  return { server: { span: server, resolution: mapped(placeOrder), thrown: null }, handler: { span: handler, resolution: mapped(placeOrder), thrown: null } };
}

describe('hour rollups', () => {
  it('are left to maintenance by ingest, and reads are exact before and after hours are rolled', () => {
    const file = tmp.file('hours.db');
    store = openStore(file);
    fill(store);
    expect(hourRows(file)).toEqual([]);
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));

    maintainFully(store, T0_MS);
    // Hours that ended at least the grace period before now are rolled; T0 is a whole hour, so the
    // hour before it, which ended just now, is not.
    expect(rolledTo(file)).toBe(T0_MIN - 60);
    expect(hourRows(file)).toEqual(minuteSums(file, `minute < ${T0_MIN - 60}`));
    const tiered = WINDOWS.map((w) => stats(store!, w));
    expect(tiered).toEqual(minuteStats(file));
    expect(tiered[0]!.map((r) => r.requests)).toEqual([52 * 12, 13 * 12]);
    const detail = store.functionDetail(placeOrder, { fromMs: WINDOWS[1]![0], toMs: WINDOWS[1]![1] });
    store.close();
    store = openStore(file);
    // Rolling again (another grace period later, nothing new) replaces the rows with the same sums.
    maintainFully(store, T0_MS + 10 * MIN);
    expect(rolledTo(file)).toBe(T0_MIN);
    expect(hourRows(file)).toEqual(minuteSums(file));
    expect(store.functionDetail(placeOrder, { fromMs: WINDOWS[1]![0], toMs: WINDOWS[1]![1] })).toEqual(detail);
  });

  it('take late spans of rolled hours at ingest and leave the current hour to fn_rollup', () => {
    const file = tmp.file('late.db');
    store = openStore(file);
    fill(store);
    maintainFully(store, T0_MS);
    const lateHour = T0_MIN - 30 * 60;
    const before = hourRows(file);
    const requests = stats(store, WINDOWS[0]!).map((r) => r.requests);

    const nested = nestedCall(T0_MS - 30 * HOUR + 10 * MIN, 90, 30);
    store.ingestBatch(
      batch('100', [
        ...spansFor(placeOrder, [500], T0_MS - 30 * HOUR + 5 * MIN),
        ...spansFor(placeOrder, [700], T0_MS - 10 * MIN),
        ...spansFor(cancelOrder, [900], T0_MS + 20 * MIN),
        nested.handler,
      ]),
    );
    // The handler counted first is taken back out of its minute and its (rolled) hour when its server span comes.
    store.ingestBatch(batch('101', [nested.server]));

    const after = hourRows(file);
    expect(after.filter((r) => r.hour >= T0_MIN - 60)).toEqual([]);
    const placeId = after.find((r) => r.hour === lateHour)!.fnId;
    const late = (rows: typeof after) => rows.find((r) => r.hour === lateHour && r.fnId === placeId)!.count;
    expect(late(after)).toBe(late(before) + 2);
    expect(after.filter((r) => r.hour !== lateHour)).toEqual(before.filter((r) => r.hour !== lateHour));
    expect(after).toEqual(minuteSums(file, `minute < ${T0_MIN - 60}`));
    const tiered = WINDOWS.map((w) => stats(store!, w));
    expect(tiered).toEqual(minuteStats(file));
    expect(tiered[0]!.map((r) => r.requests)).toEqual([requests[0]! + 3, requests[1]! + 1]);
    expect(store.functionDetail(placeOrder, { fromMs: T0_MS - 7 * 24 * HOUR, toMs: T0_MS })?.slowest[0]?.durationUs).toBe(700_000);

    maintainFully(store, T0_MS + 2 * HOUR);
    expect(rolledTo(file)).toBe(T0_MIN + 60);
    expect(hourRows(file)).toEqual(minuteSums(file));
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(tiered);
  });

  it('roll whole hours within the chunk budget and replace a partial hour row', () => {
    const file = tmp.file('chunks.db');
    store = openStore(file, { retention: { chunkRows: 5, maxChunks: 2, coarsenAfterMs: 30 * 24 * HOUR } });
    fill(store);
    maintainFully(store, T0_MS - 48 * HOUR);
    const mark = rolledTo(file)!;
    store.close();
    // Stands for what ingest once wrote to fn_hour for a later hour: a row holding part of it.
    const raw = new Database(file);
    raw
      .prepare(`INSERT INTO fn_hour SELECT ? + 60, fn_id, series_id, 1, 0, 0, 1000, 1000, 1000, X'', mapped_by, 1, 0, '{"s":[],"e":[]}' FROM fn_rollup WHERE minute = ?`)
      .run(mark, mark + 60);
    raw.close();
    expect(hourRows(file, `hour = ${mark + 60}`)).toHaveLength(1);
    store = openStore(file, { retention: { chunkRows: 5, maxChunks: 2, coarsenAfterMs: 30 * 24 * HOUR } });
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));

    // Each hour holds more rows than a chunk: one hour per chunk, two per call.
    expect(store.maintain(T0_MS).more).toBe(true);
    expect(rolledTo(file)).toBe(mark + 120);
    expect(hourRows(file, `hour = ${mark + 60}`)).toEqual(minuteSums(file, `minute >= ${mark + 60} AND minute < ${mark + 120}`));
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));
    maintainFully(store, T0_MS);
    expect(rolledTo(file)).toBe(T0_MIN - 60);
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));
  });

  it('stay exact after maintenance coarsens old minutes into hour rows', () => {
    const file = tmp.file('coarse.db');
    store = openStore(file, { retention: { coarsenAfterMs: 24 * HOUR } });
    fill(store);
    const before = WINDOWS.map((w) => stats(store!, w));
    maintainFully(store, T0_MS);
    const after = WINDOWS.map((w) => stats(store!, w));
    expect(after).toEqual(minuteStats(file));
    // Coarsened hour rows count whole, so only windows with whole-hour edges in the coarsened past match.
    expect(after[0]).toEqual(before[0]);
    expect(after[3]).toEqual(before[3]);
    expect(hourRows(file)).toEqual(minuteSums(file, `minute < ${T0_MIN - 60}`));
  });

  it('stay exact in a store whose ingest wrote every span to fn_hour, and move on from its newest hour', () => {
    const file = tmp.file('eager.db');
    store = openStore(file);
    fill(store);
    maintainFully(store, T0_MS + 24 * HOUR);
    store.close();
    // Before hours were rolled, ingest kept fn_hour complete and the store had no mark.
    const raw = new Database(file);
    raw.exec(`DELETE FROM meta WHERE key = 'hour_rollups_to_min'`);
    raw.close();
    store = openStore(file);
    const lastHour = T0_MIN - 60;
    expect(hourRows(file, `hour >= ${lastHour}`)).not.toEqual([]);
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));
    expect(rolledTo(file)).toBeNull();

    store.ingestBatch(batch('100', [...spansFor(placeOrder, [300], T0_MS - 5 * MIN), ...spansFor(placeOrder, [400], T0_MS + 5 * MIN)]));
    expect(rolledTo(file)).toBe(T0_MIN);
    expect(hourRows(file)).toEqual(minuteSums(file, `minute < ${T0_MIN}`));
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));
    maintainFully(store, T0_MS + 2 * HOUR);
    expect(hourRows(file)).toEqual(minuteSums(file));
    expect(WINDOWS.map((w) => stats(store!, w))).toEqual(minuteStats(file));
  });

  it('stay exact in such a store whose newest hour is the current one, which is rolled again', () => {
    const file = tmp.file('current.db');
    const hourStart = Math.floor(Date.now() / HOUR) * HOUR;
    const windows: Window[] = [
      [hourStart - 24 * HOUR, hourStart + 2 * HOUR],
      [hourStart - 2 * HOUR - 7 * MIN, hourStart + 30 * MIN],
    ];
    store = openStore(file);
    store.ingestBatch(batch('1', [...spansFor(placeOrder, durations(40), hourStart - 5 * HOUR, 7 * MIN), ...spansFor(cancelOrder, [20, 30], hourStart + MIN, MIN)]));
    maintainFully(store, hourStart + 24 * HOUR);
    store.close();
    const raw = new Database(file);
    raw.exec(`DELETE FROM meta WHERE key = 'hour_rollups_to_min'`);
    raw.close();

    store = openStore(file);
    store.ingestBatch(batch('2', spansFor(cancelOrder, [40, 50], hourStart + 3 * MIN, MIN)));
    // The mark stops at the current hour (unless the clock passed into the next hour meanwhile, which is as exact).
    expect(rolledTo(file)).toBeLessThanOrEqual(Math.floor(Date.now() / HOUR) * 60);
    const tiered = windows.map((w) => stats(store!, w));
    expect(tiered).toEqual(minuteStats(file, windows));
    expect(tiered[0]!.map((r) => r.requests)).toEqual([40, 4]);
    maintainFully(store, hourStart + 2 * HOUR);
    expect(hourRows(file)).toEqual(minuteSums(file));
    expect(windows.map((w) => stats(store!, w))).toEqual(tiered);
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
