import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../language-server/store';
import type { Attributes } from '../../language-server/ingest/span';
import { batch, mapped, placeOrder, span } from './store-fixtures';

let store: Store;
afterEach(() => store?.close());

describe('raw span attributes', () => {
  it('keep the chosen resource keys, let span attributes win, clip long values and keep __proto__ as data', () => {
    store = openStore(':memory:');
    const resource: Attributes = { 'service.name': 'shop', 'host.name': 'node-1', 'service.instance.id': 'pod-a', 'process.pid': 42 };
    const attributes: Attributes = { 'http.route': '/orders', 'host.name': 'overridden', long: 'x'.repeat(3000) };
    Object.defineProperty(attributes, '__proto__', { value: 'not a prototype', enumerable: true, writable: true, configurable: true });
    const plain = span({ resource, attributes: { 'http.route': '/orders' } });
    const odd = span({ resource, attributes });
    const bare = span({ resource: { 'service.name': 'shop' }, attributes: {} });
    store.ingestBatch(batch('1', [plain, odd, bare].map((s) => ({ span: s, resolution: mapped(placeOrder), thrown: null }))));

    expect(store.trace(plain.traceId)[0]!.attributes).toEqual({ 'host.name': 'node-1', 'service.instance.id': 'pod-a', 'http.route': '/orders' });
    const stored = store.trace(odd.traceId)[0]!.attributes;
    expect(stored['host.name']).toBe('overridden');
    expect(stored['service.instance.id']).toBe('pod-a');
    expect((stored.long as string).length).toBe(2048);
    expect(Object.hasOwn(stored, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toBe('not a prototype');
    expect(store.trace(bare.traceId)[0]!.attributes).toEqual({});
  });
});
