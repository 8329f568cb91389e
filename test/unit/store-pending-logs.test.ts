import { afterEach, describe, expect, it } from 'vitest';
import { PENDING_LOG_WAIT_MS } from '../../language-server/store/ingest';
import { openStore, type Store } from '../../language-server/store';
import { MIN, T0_MS, batch, chargeCard, exception, logFor, mapped, placeOrder, span, thrownIn } from './store-fixtures';

let store: Store;
afterEach(() => store?.close());
const window = { fromMs: T0_MS - 60 * MIN, toMs: T0_MS + 60 * MIN };
const charge = (s: Store) => s.functionStats(window).find((f) => f.symbol === 'charge');
const errorTypes = (s: Store) => s.versionRollups('shop', 'production', '1.0.0', window).errorTypes.map((t) => [t.fn?.qualifiedName ?? null, t.type, t.count]);

describe('exception log records that arrive before their span', () => {
  it('wait for the span, then join it and count once, tied to its function', () => {
    store = openStore(':memory:');
    const s = span({ statusCode: 2 });
    const arrivedMs = T0_MS + MIN;
    store.ingestBatch({ ...batch('1', [], [{ log: logFor(s, exception('TimeoutError', 'db timeout')), thrown: thrownIn(chargeCard) }]), arrivedMs });
    expect(charge(store)).toBeUndefined();
    expect(errorTypes(store)).toEqual([]);

    store.ingestBatch({ ...batch('2', [{ span: s, resolution: mapped(placeOrder), thrown: null }]), arrivedMs: arrivedMs + MIN });
    expect(store.trace(s.traceId)[0]!.exceptions.map((e) => [e.type, e.source])).toEqual([['TimeoutError', 'log']]);
    expect(charge(store)!.thrownHere).toBe(1);
    expect(errorTypes(store)).toEqual([['charge', 'TimeoutError', 1]]);
    // Nothing stays pending: expiry later counts nothing again.
    store.maintain(arrivedMs + 2 * PENDING_LOG_WAIT_MS);
    expect(charge(store)!.thrownHere).toBe(1);
  });

  it('count without a span once they have waited too long, at the next batch or maintenance', () => {
    store = openStore(':memory:');
    const lost = span({ statusCode: 2 });
    const lostToo = span({ statusCode: 2 });
    store.ingestBatch({ ...batch('1', [], [{ log: logFor(lost, exception('TimeoutError', 'db timeout')), thrown: thrownIn(chargeCard) }]), arrivedMs: T0_MS });
    store.ingestBatch({ ...batch('2', [], [{ log: logFor(lostToo, exception('CardError', 'declined')), thrown: null }]), arrivedMs: T0_MS + MIN });
    expect(charge(store)).toBeUndefined();

    store.ingestBatch({ ...batch('3', []), arrivedMs: T0_MS + PENDING_LOG_WAIT_MS + 1 });
    expect(charge(store)!.thrownHere).toBe(1);
    expect(errorTypes(store)).toEqual([['charge', 'TimeoutError', 1]]);

    store.maintain(T0_MS + MIN + PENDING_LOG_WAIT_MS + 1);
    expect(errorTypes(store)).toEqual([
      [null, 'CardError', 1],
      ['charge', 'TimeoutError', 1],
    ]);
    // The span arriving after expiry is stored without the exception it was not joined to.
    store.ingestBatch({ ...batch('4', [{ span: lost, resolution: mapped(placeOrder), thrown: null }]), arrivedMs: T0_MS + 20 * MIN });
    expect(store.trace(lost.traceId)[0]!.exceptions).toEqual([]);
    expect(charge(store)!.thrownHere).toBe(1);
  });
});
