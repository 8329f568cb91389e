import { describe, expect, it } from 'vitest';
import type { SymbolDef } from '../../language-server/index/types';
import { Lru } from '../../language-server/mapping/lru';
import { SpanResolver } from '../../language-server/mapping/span-resolver';
import { LiteralIndex, spanRecord, sym } from '../support/literal-index';

describe('Lru', () => {
  it('keeps recently used entries and drops those unused for a whole generation', () => {
    const lru = new Lru<string, number>(4);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3); // young is full: {a, b} age, c starts a new generation
    expect(lru.get('a')).toBe(1); // promoted back into the young generation
    lru.set('d', 4); // young {c, a} is full: it ages, and the unused b is dropped
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.get('d')]).toEqual([1, undefined, 3, 4]);
    expect(lru.size).toBeLessThanOrEqual(4);
  });

  it('never holds more than its capacity', () => {
    const lru = new Lru<number, number>(10);
    for (let i = 0; i < 1000; i++) {
      lru.set(i, i);
      lru.get(i - 3);
      expect(lru.size).toBeLessThanOrEqual(10);
    }
  });

  it('rejects a capacity below 2', () => {
    expect(() => new Lru(1)).toThrow(/at least 2, got 1/);
  });
});

describe('SpanResolver', () => {
  const placeSpan = (line: number, service = 'shop') =>
    spanRecord({ 'code.function.name': 'OrderService.place', 'code.file.path': '/app/src/orders.ts', 'code.line.number': line }, { service, kind: 1 });

  it('answers repeated signal tuples from its cache and separates services', () => {
    const resolver = new SpanResolver(new LiteralIndex([sym('src/orders.ts', 'OrderService.place', 2, 9)]));
    const first = resolver.resolve(placeSpan(4));
    expect(resolver.resolve({ ...placeSpan(4), spanId: 'ffffffffffffffff', durationNs: 9 })).toBe(first);
    expect(resolver.cacheStats).toEqual({ hits: 1, misses: 1, size: 1 });
    resolver.resolve(placeSpan(4, 'billing'));
    resolver.resolve(placeSpan(5));
    expect(resolver.cacheStats).toEqual({ hits: 1, misses: 3, size: 3 });
  });

  it('stays within its bound', () => {
    const resolver = new SpanResolver(new LiteralIndex([sym('src/orders.ts', 'OrderService.place', 0, 500)]), { cacheSize: 10 });
    for (let line = 1; line <= 50; line++) resolver.resolve(placeSpan(line));
    expect(resolver.cacheStats.size).toBeLessThanOrEqual(10);
    expect(resolver.cacheStats.size).toBeGreaterThan(0);
  });

  it('resolves again after invalidate(), seeing the changed index', () => {
    const symbols: SymbolDef[] = [];
    const resolver = new SpanResolver(new LiteralIndex(symbols, [], ['src/orders.ts']));
    expect(resolver.resolve(placeSpan(4))).toMatchObject({ mapped: false, reason: 'symbol-not-found' });
    symbols.push(sym('src/orders.ts', 'OrderService.place', 2, 9));
    // Still the cached answer until the index change is announced.
    expect(resolver.resolve(placeSpan(4)).mapped).toBe(false);
    resolver.invalidate();
    expect(resolver.resolve(placeSpan(4))).toMatchObject({ mapped: true, fn: { qualifiedName: 'OrderService.place', line: 2 } });
  });

  it('caches thrown-here per stack trace, including misses', () => {
    const symbols: SymbolDef[] = [];
    const resolver = new SpanResolver(new LiteralIndex(symbols, [], ['src/orders.js']));
    const exception = { type: 'Error', message: 'x', stacktrace: 'Error: x\n    at OrderService.place (/app/src/orders.js:5:11)', source: 'event' as const };
    expect(resolver.thrownHere(exception)).toBeNull();
    symbols.push(sym('src/orders.js', 'OrderService.place', 2, 9));
    expect(resolver.thrownHere(exception)).toBeNull();
    resolver.invalidate();
    expect(resolver.thrownHere(exception)).toMatchObject({ fn: { qualifiedName: 'OrderService.place' }, frame: 'at OrderService.place (/app/src/orders.js:5:11)' });
  });
});
