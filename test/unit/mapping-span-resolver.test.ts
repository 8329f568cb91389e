import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../language-server/ingest/span';
import type { SymbolDef } from '../../language-server/index/types';
import { readCodeSignals } from '../../language-server/mapping/attributes';
import { Lru } from '../../language-server/mapping/lru';
import { resolveSignals } from '../../language-server/mapping/resolve';
import { SpanResolver, type DeployedLineSource } from '../../language-server/mapping/span-resolver';
import { LiteralIndex, route, spanRecord, sym } from '../support/literal-index';

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

describe('Lru with weights', () => {
  it('counts weight, not entries, against its capacity', () => {
    const lru = new Lru<string, string[]>(8, (v) => v.length);
    lru.set('a', ['1', '2', '3']);
    lru.set('b', ['1']); // young {a, b} weighs 4, a whole generation
    lru.set('c', ['1', '2']); // ages {a, b}
    expect(lru.size).toBe(6);
    lru.set('a', ['1', '2']); // promoted, weighing 2 now; young {c, a} is full
    expect(lru.size).toBe(5);
    lru.set('d', ['1']); // ages {c, a}; the unused b is dropped
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.get('d')]).toEqual([['1', '2'], undefined, ['1', '2'], ['1']]);
    expect(lru.size).toBeLessThanOrEqual(8);
  });

  it('weighs a value set again by its new weight', () => {
    const lru = new Lru<string, number[]>(8, (v) => v.length);
    lru.set('a', [1]);
    lru.set('a', [1, 2, 3]);
    expect(lru.size).toBe(3);
    lru.set('a', [1]);
    lru.set('b', [1, 2, 3]); // young {a, b} weighs 4: nothing ages yet
    expect([lru.size, lru.get('a'), lru.get('b')]).toEqual([4, [1], [1, 2, 3]]);
  });

  it('never holds more than its capacity, whatever the weights', () => {
    const lru = new Lru<number, number>(10, (v) => 1 + (v % 5));
    for (let i = 0; i < 1000; i++) {
      lru.set(i % 13, i);
      lru.get((i * 7) % 13);
      expect(lru.size).toBeLessThanOrEqual(10);
    }
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('rejects a weight above half its capacity', () => {
    expect(() => new Lru<string, number>(10, (v) => v).set('a', 6)).toThrow(/weight must be an integer from 1 to 5, got 6/);
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

/** Compiled `dist/orders.js` maps to `src/orders.ts` by column: column 5 is `cancel`, any other `place`. */
class MappedIndex extends LiteralIndex {
  originalPosition(file: string, line: number, column?: number): { file: string; line: number } | undefined {
    return file.endsWith('dist/orders.js') ? { file: 'src/orders.ts', line: column === 4 ? 12 : line } : undefined;
  }
}

describe('SpanResolver fast path', () => {
  const index = new MappedIndex(
    [
      sym('src/orders.ts', 'OrderService.place', 2, 9),
      sym('src/orders.ts', 'OrderService.cancel', 11, 20),
      sym('src/http/routes.ts', 'getOrder', 5, 12, 'function'),
      sym('src/http/routes.ts', 'listOrders', 14, 20, 'function'),
      sym('src/http/middleware.ts', 'query', 1, 4, 'function'),
      sym('src/x.ts', 'X', 1, 4, 'function'),
      sym('src/x.ts', 'Y.run', 6, 9),
    ],
    [
      route('express', 'GET', '/api/orders/:id', 'src/http/app.ts', 12, { file: 'src/http/routes.ts', line: 6 }),
      route('express', 'GET', '/api/orders', 'src/http/app.ts', 13, { name: 'listOrders' }),
    ],
    ['dist/orders.js'],
  );
  const uncached = (span: ReturnType<typeof spanRecord>) => resolveSignals(readCodeSignals(span), index);

  it('does not answer a span from another one with the same service, name and route', () => {
    const resolver = new SpanResolver(index);
    const name = 'middleware - query';
    const server = spanRecord({ 'http.route': '/api/orders/:id', 'http.request.method': 'GET' }, { name, kind: 2 });
    const client = spanRecord({ 'http.route': '/api/orders/:id', 'http.request.method': 'GET' }, { name, kind: 3 });
    const place = spanRecord({ 'http.route': '/api/orders/:id', 'code.function.name': 'OrderService.place' }, { name, kind: 2 });
    const cancel = spanRecord({ 'http.route': '/api/orders/:id', 'code.function.name': 'OrderService.cancel' }, { name, kind: 2 });
    const other = spanRecord({ 'http.route': '/api/orders/:id', 'code.function.name': 'OrderService.cancel', tenant: 't1' }, { name, kind: 2 });
    // Named after a function, on the same route: the span-name tier maps it.
    const named = spanRecord({ 'http.route': '/api/orders/:id' }, { name: 'OrderService.place', kind: 1 });
    const landed = (s: ReturnType<typeof spanRecord>) => {
      const r = resolver.resolve(s);
      return r.mapped ? r.fn.qualifiedName : r.reason;
    };
    for (let round = 0; round < 3; round++) {
      expect([landed(server), landed(client), landed(named), landed(place), landed(cancel), landed(other), landed(cancel)]).toEqual(['getOrder', 'no-code-signal', 'OrderService.place', 'OrderService.place', 'OrderService.cancel', 'OrderService.cancel', 'OrderService.cancel']);
    }
    // Five distinct signal tuples (an attribute that carries no signal does not make a sixth).
    expect(resolver.cacheStats).toEqual({ hits: 16, misses: 5, size: 5 });
  });

  it('tells apart columns in compiled code that a source map sends to different functions', () => {
    const resolver = new SpanResolver(index);
    const at = (column: number) => spanRecord({ 'code.file.path': '/app/dist/orders.js', 'code.line.number': 4, 'code.column.number': column }, { kind: 1 });
    for (let round = 0; round < 2; round++) {
      expect(resolver.resolve(at(5))).toMatchObject({ mapped: true, fn: { qualifiedName: 'OrderService.cancel' } });
      expect(resolver.resolve(at(9))).toMatchObject({ mapped: true, fn: { qualifiedName: 'OrderService.place' } });
    }
  });

  it('keeps signals apart that a key joining them with a separator would confuse', () => {
    const resolver = new SpanResolver(index);
    // Joined with \u0001 between fields, both read "X\u0001\u0001Y".
    const joined = spanRecord({ 'code.function.name': 'X\u0001', 'code.namespace': 'Y' }, { kind: 1 });
    const split = spanRecord({ 'code.function.name': 'X', 'code.namespace': '\u0001Y' }, { kind: 1 });
    for (let round = 0; round < 2; round++) {
      expect(resolver.resolve(joined)).toMatchObject({ mapped: false, reason: 'symbol-not-found' });
      expect(resolver.resolve(split)).toMatchObject({ mapped: true, fn: { qualifiedName: 'X' } });
    }
    expect(resolver.resolve(joined)).toEqual(uncached(joined));
  });

  it('answers every span as resolving it afresh would, whatever came before', () => {
    const OLD = 'c0ffee';
    const moves: DeployedLineSource = { move: (commit, _file, line) => (commit === OLD ? line + 10 : line) };
    const linesOf = (commit: string | null) => (commit === null ? undefined : (file: string, line: number) => {
      const moved = moves.move(commit, file, line - 1);
      return moved === null ? null : moved + 1;
    });
    const attributes = fc.record(
      {
        'http.route': fc.constantFrom('/api/orders/:id', '/api/orders', ''),
        'http.request.method': fc.constantFrom('GET', 'POST'),
        'code.function.name': fc.constantFrom('OrderService.place', 'getOrder', 'X\u0001', 'X', 42),
        'code.function': fc.constantFrom('run', 'X'),
        'code.namespace': fc.constantFrom('Y', '\u0001Y', ''),
        'code.file.path': fc.constantFrom('/app/src/orders.ts', '/app/src/http/routes.ts', '/app/dist/orders.js'),
        'code.line.number': fc.constantFrom(4, 15, '15', -1),
        'code.column.number': fc.constantFrom(5, 9),
        'express.name': fc.constantFrom('query', 'anonymous'),
        'express.type': fc.constantFrom('middleware', 'request_handler'),
        'rpc.method': fc.constantFrom('shop.v1.Orders/Place', 'Place'),
        tenant: fc.constantFrom('t1', 't2'),
      },
      { requiredKeys: [] },
    );
    const span = fc.record({
      attributes,
      service: fc.constantFrom('shop', 'billing'),
      name: fc.constantFrom('GET /api/orders/:id', 'middleware - query', 'OrderService.place', 'x\u0001'),
      kind: fc.constantFrom(1, 2, 3),
      commit: fc.constantFrom(null, OLD, 'other'),
    });
    type Picked = { attributes: Partial<Record<string, string | number>>; service: string; name: string; kind: number; commit: string | null };
    // A few spans, then a run of picks among them, each either as it is or with one field changed:
    // spans that differ in one signal only are what a cache could confuse.
    const variation = fc.oneof(
      fc.constant((s: Picked): Picked => s),
      fc.constantFrom(1, 2, 3).map((kind) => (s: Picked): Picked => ({ ...s, kind })),
      fc.constantFrom(null, OLD, 'other').map((commit) => (s: Picked): Picked => ({ ...s, commit })),
      fc.constantFrom('GET /api/orders/:id', 'middleware - query', 'OrderService.place').map((name) => (s: Picked): Picked => ({ ...s, name })),
      fc.tuple(attributes, fc.nat()).map(([from, n]) => (s: Picked): Picked => {
        const keys = Object.keys(from);
        const key = keys[n % Math.max(1, keys.length)];
        return key === undefined ? { ...s, attributes: Object.fromEntries(Object.entries(s.attributes).slice(1)) } : { ...s, attributes: { ...s.attributes, [key]: from[key as keyof typeof from]! } };
      }),
    );
    fc.assert(
      fc.property(
        fc.array(span, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), variation), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(4, 20_000),
        fc.boolean(),
        (pool, picks, cacheSize, withMoves) => {
          const resolver = new SpanResolver(index, { cacheSize, ...(withMoves ? { deployedLines: moves } : {}) });
          for (const [n, vary] of picks) {
            const s = vary(pool[n % pool.length]!);
            // A fresh attributes object each time, as decoding makes one per span.
            const record = spanRecord({ ...(s.attributes as Attributes) }, { service: s.service, name: s.name, kind: s.kind, commit: s.commit });
            const expected = resolveSignals(readCodeSignals(record), index, withMoves ? linesOf(s.commit) : undefined);
            expect(resolver.resolve(record)).toEqual(expected);
          }
          const stats = resolver.cacheStats;
          expect(stats.hits + stats.misses).toBe(picks.length);
          expect(stats.size).toBeLessThanOrEqual(cacheSize);
        },
      ),
      { numRuns: 500 },
    );
  });
});
