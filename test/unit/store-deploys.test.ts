import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DeployMarkerError, type Store, openStore } from '../../language-server/store';
import schemaSql from '../../language-server/store/schema.sql';
import { MIN, T0_MS, batch, chargeCard, exception, mapped, placeOrder, span, tempDir, thrownIn } from './store-fixtures';

let store: Store;
afterEach(() => store?.close());

describe('deploys', () => {
  it('records first and last seen per (service, environment, version) from telemetry, with the commit', () => {
    store = openStore(':memory:');
    const at = (ms: number, version: string, extra = {}): ReturnType<typeof span> => span({ atMs: ms, version, ...extra });
    store.ingestBatch(
      batch('1', [
        { span: at(T0_MS + 5 * MIN, '1.0.0'), resolution: mapped(placeOrder), thrown: null },
        { span: at(T0_MS, '1.0.0'), resolution: mapped(placeOrder), thrown: null },
        { span: at(T0_MS + 30 * MIN, '1.1.0', { commit: 'abc1234' }), resolution: mapped(placeOrder), thrown: null },
        { span: at(T0_MS + 31 * MIN, '1.0.0', { environment: 'staging' }), resolution: mapped(placeOrder), thrown: null },
        // Spans without a version are not deploys.
        { span: at(T0_MS, ''), resolution: mapped(placeOrder), thrown: null },
      ]),
    );
    store.ingestBatch(
      batch('2', [
        { span: at(T0_MS + 40 * MIN, '1.1.0'), resolution: mapped(placeOrder), thrown: null },
        { span: at(T0_MS + 35 * MIN, '1.0.0'), resolution: mapped(placeOrder), thrown: null },
      ]),
    );
    expect(store.deploys({ service: 'shop', environment: 'production' })).toEqual([
      { service: 'shop', environment: 'production', version: '1.1.0', commit: 'abc1234', firstSeenMs: T0_MS + 30 * MIN, lastSeenMs: T0_MS + 40 * MIN, spanCount: 2, source: 'telemetry' },
      { service: 'shop', environment: 'production', version: '1.0.0', commit: null, firstSeenMs: T0_MS, lastSeenMs: T0_MS + 35 * MIN, spanCount: 3, source: 'telemetry' },
    ]);
    expect(store.deploys().map((d) => `${d.environment}/${d.version}`)).toEqual(['staging/1.0.0', 'production/1.1.0', 'production/1.0.0']);
    expect(store.deploys({ environment: 'staging' })).toHaveLength(1);
  });

  it('merges explicit markers with telemetry and rejects invalid ones', () => {
    store = openStore(':memory:');
    store.ingestBatch(batch('1', [{ span: span({ atMs: T0_MS + 2 * MIN, version: '2.0.0' }), resolution: mapped(placeOrder), thrown: null }]));
    store.recordDeployMarker({ service: 'shop', environment: 'production', version: '2.0.0', commit: 'def5678', time: new Date(T0_MS).toISOString() });
    store.recordDeployMarker({ service: 'shop', environment: 'production', version: '3.0.0', time: new Date(T0_MS + 60 * MIN).toISOString() });
    expect(store.deploys()).toEqual([
      { service: 'shop', environment: 'production', version: '3.0.0', commit: null, firstSeenMs: T0_MS + 60 * MIN, lastSeenMs: T0_MS + 60 * MIN, spanCount: 0, source: 'marker' },
      { service: 'shop', environment: 'production', version: '2.0.0', commit: 'def5678', firstSeenMs: T0_MS, lastSeenMs: T0_MS + 2 * MIN, spanCount: 1, source: 'marker' },
    ]);
    expect(() => store.recordDeployMarker({ service: 'shop', environment: 'production', version: '4', time: 'yesterday' })).toThrow(DeployMarkerError);
    expect(() => store.recordDeployMarker({ service: '', environment: 'production', version: '4', time: new Date().toISOString() })).toThrow(/needs a service/);
  });

  it('keeps error types per version with first and last seen, so new types stand out', () => {
    store = openStore(':memory:');
    const failing = (ms: number, version: string, type: string): Parameters<Store['ingestBatch']>[0]['spans'][number] => ({
      span: span({ atMs: ms, version, statusCode: 2, exceptions: [exception(type, `${type} at ${ms}`)] }),
      resolution: mapped(placeOrder),
      thrown: thrownIn(chargeCard),
    });
    store.ingestBatch(batch('1', [failing(T0_MS, '1.0.0', 'CardError'), failing(T0_MS + MIN, '1.0.0', 'CardError')]));
    store.ingestBatch(
      batch('2', [
        failing(T0_MS + 10 * MIN, '1.1.0', 'CardError'),
        failing(T0_MS + 12 * MIN, '1.1.0', 'NullPointer'),
        failing(T0_MS + 11 * MIN, '1.1.0', 'NullPointer'),
        // error.type on a failed span without an exception counts too, tied to the span's function.
        { span: span({ atMs: T0_MS + 13 * MIN, version: '1.1.0', statusCode: 2, statusMessage: 'upstream 503', attributes: { 'error.type': '503' } }), resolution: mapped(placeOrder), thrown: null },
      ]),
    );
    const old = store.versionRollups('shop', 'production', '1.0.0', { fromMs: T0_MS, toMs: T0_MS + 60 * MIN }).errorTypes;
    expect(old.map((e) => [e.type, e.count, e.firstSeenMs, e.lastSeenMs])).toEqual([['CardError', 2, T0_MS, T0_MS + MIN]]);
    const next = store.versionRollups('shop', 'production', '1.1.0', { fromMs: T0_MS, toMs: T0_MS + 60 * MIN }).errorTypes;
    expect(next).toEqual([
      { fn: chargeCard, type: 'NullPointer', count: 2, firstSeenMs: T0_MS + 11 * MIN, lastSeenMs: T0_MS + 12 * MIN, message: `NullPointer at ${T0_MS + 12 * MIN}` },
      { fn: placeOrder, type: '503', count: 1, firstSeenMs: T0_MS + 13 * MIN, lastSeenMs: T0_MS + 13 * MIN, message: 'upstream 503' },
      { fn: chargeCard, type: 'CardError', count: 1, firstSeenMs: T0_MS + 10 * MIN, lastSeenMs: T0_MS + 10 * MIN, message: `CardError at ${T0_MS + 10 * MIN}` },
    ]);
    const oldTypes = new Set(old.map((e) => e.type));
    expect(next.filter((e) => !oldTypes.has(e.type)).map((e) => e.type)).toEqual(['NullPointer', '503']);
  });

  it('records a rollback and a re-deploy as deploy events of their own (1.4.1 → 1.4.2 → 1.4.1 → 1.4.2)', () => {
    store = openStore(':memory:');
    const serve = (version: string, commit: string, fromMin: number, toMin: number) =>
      Array.from({ length: (toMin - fromMin) * 10 }, (_, i) => ({ span: span({ atMs: T0_MS + fromMin * MIN + i * 6_000, version, commit }), resolution: mapped(placeOrder), thrown: null }));
    // Batches arrive in any grouping: the events come from the per-minute traffic, not from batch order.
    store.ingestBatch(batch('1', [...serve('1.4.1', 'aaaaaaa', 0, 20), ...serve('1.4.2', 'bbbbbbb', 20, 40)]));
    store.ingestBatch(batch('2', [...serve('1.4.1', 'aaaaaaa', 40, 60), ...serve('1.4.2', 'bbbbbbb', 60, 80)]));
    const events = store.deploys({ service: 'shop' });
    expect(events.map((d) => [d.version, (d.firstSeenMs - T0_MS) / MIN, d.spanCount, d.commit])).toEqual([
      ['1.4.2', 60, 200, 'bbbbbbb'],
      ['1.4.1', 40, 200, 'aaaaaaa'],
      ['1.4.2', 20, 200, 'bbbbbbb'],
      ['1.4.1', 0, 200, 'aaaaaaa'],
    ]);
    // The first stint of 1.4.1 ends with its last span before the rollback brought it back.
    expect(events[3]!.lastSeenMs).toBe(T0_MS + 20 * MIN - 1);
    expect(events[0]!.lastSeenMs).toBe(T0_MS + 79 * MIN + 54_000);
  });

  it('keeps every marker as its own deploy event, a repeated announcement of a version included', () => {
    store = openStore(':memory:');
    const marker = (version: string, min: number, commit?: string) => store.recordDeployMarker({ service: 'api', environment: 'production', version, time: new Date(T0_MS + min * MIN).toISOString(), ...(commit ? { commit } : {}) });
    marker('1', 0, 'aaaaaaa');
    marker('2', 30, 'bbbbbbb');
    marker('1', 60);
    marker('1', 60, 'aaaaaaa');
    expect(store.deploys({ service: 'api' }).map((d) => [d.version, (d.firstSeenMs - T0_MS) / MIN, d.commit, d.source])).toEqual([
      ['1', 60, 'aaaaaaa', 'marker'],
      ['2', 30, 'bbbbbbb', 'marker'],
      ['1', 0, 'aaaaaaa', 'marker'],
    ]);
  });

  it('migrates a version-1 store: markers merged into versions become events of their own', () => {
    const tmp = tempDir();
    try {
      const file = tmp.file('v1.db');
      const raw = new Database(file);
      raw.exec(schemaSql);
      raw.pragma('user_version = 1');
      raw.pragma('application_id = 0x50524c4e');
      const insert = raw.prepare('INSERT INTO deploys VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      insert.run('shop', 'production', '1.0.0', 'aaaaaaa', T0_MS, T0_MS + 5 * MIN, 12, 'marker');
      insert.run('shop', 'production', '2.0.0', null, T0_MS + 60 * MIN, T0_MS + 60 * MIN, 0, 'marker');
      raw.close();
      store = openStore(file);
      expect(store.deploys().map((d) => [d.version, d.firstSeenMs, d.spanCount, d.source, d.commit])).toEqual([
        ['2.0.0', T0_MS + 60 * MIN, 0, 'marker', null],
        ['1.0.0', T0_MS, 12, 'marker', 'aaaaaaa'],
      ]);
    } finally {
      store?.close();
      tmp.remove();
    }
  });
});
