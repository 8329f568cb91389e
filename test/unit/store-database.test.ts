import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, StoreFileError, StoreVersionError, openStore } from '../../language-server/store';
import { MIN, T0_MS, batch, placeOrder, spansFor, tempDir } from './store-fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const window = { fromMs: T0_MS, toMs: T0_MS + 60 * MIN };

describe('opening a store file', () => {
  it('creates the schema in a new file, in WAL mode, and keeps data across reopen', () => {
    const file = tmp.file('store.db');
    const a = openStore(file);
    a.ingestBatch(batch('17', spansFor(placeOrder, [5, 10, 20])));
    a.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('page_size', { simple: true })).toBe(16384);
    const tables = (raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).toEqual(['deploy_markers', 'deploys', 'error_types', 'fn_hour', 'fn_rollup', 'functions', 'meta', 'pending_log_exceptions', 'route_minute', 'series', 'unmapped']);
    raw.close();
    // Raw spans live in a file of their own next to it, with their cursor and byte count.
    const spans = new Database(tmp.file('store.spans.db'), { readonly: true });
    expect(spans.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(spans.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all()).toEqual([{ name: 'raw_meta' }, { name: 'spans' }]);
    expect(spans.prepare('SELECT count(*) AS n FROM spans').get()).toEqual({ n: 3 });
    expect(spans.prepare(`SELECT value FROM raw_meta WHERE key = 'raw_cursor'`).get()).toEqual({ value: '17' });
    spans.close();

    const b = openStore(file);
    expect(b.cursor()).toBe('17');
    expect(b.functionStats(window)[0]!.requests).toBe(3);
    b.close();
  });

  it('migrates an empty (zero-byte) file from version 0', () => {
    const file = tmp.file('empty.db');
    writeFileSync(file, '');
    const s = openStore(file);
    expect(s.cursor()).toBeNull();
    s.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses a database from a newer schema and leaves its bytes unchanged', () => {
    const file = tmp.file('newer.db');
    const s = openStore(file);
    s.ingestBatch(batch('1', spansFor(placeOrder, [5])));
    s.close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = readFileSync(file);

    let error: unknown;
    try {
      openStore(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreVersionError);
    expect((error as StoreVersionError).message).toContain(file);
    expect((error as StoreVersionError).message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect((error as StoreVersionError).message).toContain(`up to version ${SCHEMA_VERSION}`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite, naming it', () => {
    const file = tmp.file('notes.txt');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    const before = readFileSync(file);
    expect(() => openStore(file)).toThrow(StoreFileError);
    expect(() => openStore(file)).toThrow(/notes\.txt.*not a SQLite database/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses another program's SQLite database", () => {
    const file = tmp.file('other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)');
    raw.close();
    expect(() => openStore(file)).toThrow(/not a Prodlens store/);
  });

  it('gives a clear error when the folder does not exist', () => {
    expect(() => openStore(tmp.file('missing/dir/store.db'))).toThrow(StoreFileError);
  });
});

describe('cursor and exactly-once ingest', () => {
  it('leaves cursor and counts unchanged when the batch transaction rolls back, and a replay counts once', () => {
    const file = tmp.file('store.db');
    const s = openStore(file);
    s.ingestBatch(batch('1', spansFor(placeOrder, [5, 6])));
    // Fail the next batch from inside SQLite, after its spans and rollups were written, the way a
    // disk or constraint error would: its whole transaction must roll back.
    const other = new Database(file);
    other.exec(`CREATE TRIGGER fail_deploys BEFORE INSERT ON deploys WHEN NEW.version = '2.0.0'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const second = spansFor(placeOrder, [7, 8, 9], T0_MS + MIN).map((x) => ({ ...x, span: { ...x.span, version: '2.0.0' } }));
    expect(() => s.ingestBatch(batch('2', second))).toThrow(/injected failure/);
    expect(s.cursor()).toBe('1');
    expect(s.functionStats(window)[0]!.requests).toBe(2);
    expect(s.rawSpanUsage().spans).toBe(2);

    other.exec('DROP TRIGGER fail_deploys');
    other.close();
    expect(s.ingestBatch(batch('2', second)).applied).toBe(true);
    expect(s.ingestBatch(batch('2', second)).applied).toBe(false);
    expect(s.ingestBatch(batch('1', second)).applied).toBe(false);
    expect(s.cursor()).toBe('2');
    expect(s.functionStats(window)[0]!.requests).toBe(5);
    expect(s.rawSpanUsage().spans).toBe(5);
    s.close();
  });

  it('rolls back new function ids with the transaction', () => {
    const file = tmp.file('store.db');
    const s = openStore(file);
    const other = new Database(file);
    other.exec(`CREATE TRIGGER fail_meta BEFORE INSERT ON meta WHEN NEW.key = 'pull_cursor'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    expect(() => s.ingestBatch(batch('1', spansFor(placeOrder, [5])))).toThrow(/injected failure/);
    other.exec('DROP TRIGGER fail_meta');
    other.close();
    s.ingestBatch(batch('1', spansFor(placeOrder, [5])));
    expect(s.functionStats(window).map((f) => [f.symbol, f.requests])).toEqual([['OrderService.place', 1]]);
    s.close();
  });

  it('forgets the cursor when the collector changes', () => {
    const s = openStore(':memory:');
    s.setCollectorId('collector-a');
    s.ingestBatch(batch('40', []));
    s.setCollectorId('collector-a');
    expect(s.cursor()).toBe('40');
    s.setCollectorId('collector-b');
    expect(s.collectorId()).toBe('collector-b');
    expect(s.cursor()).toBeNull();
    s.close();
  });
});
