import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../language-server/ingest/span';
import { hasCodeOrigin, readCodeSignals, sameSignalInputs, signalInputs, SIGNAL_KEYS } from '../../language-server/mapping/attributes';
import { spanRecord } from '../support/literal-index';

const span = (attributes: Attributes, kind = 2) => spanRecord(attributes, { kind });

describe('readCodeSignals', () => {
  it('reads the stable code.* names', () => {
    const s = readCodeSignals(span({
      'code.function.name': 'com.shop.OrderService.place',
      'code.file.path': '/app/src/main/java/com/shop/OrderService.java',
      'code.line.number': 42,
      'code.column.number': 7,
      'code.stacktrace': 'at x',
    }));
    expect(s).toMatchObject({
      functionName: 'com.shop.OrderService.place',
      filePath: '/app/src/main/java/com/shop/OrderService.java',
      filePathAttribute: 'code.file.path',
      line: 42,
      column: 7,
      stacktrace: 'at x',
      legacyFunction: null,
    });
  });

  it('reads the deprecated names, with numbers sent as strings', () => {
    const s = readCodeSignals(span({ 'code.namespace': 'OrdersController', 'code.function': 'create', 'code.filepath': 'app/x.rb', 'code.lineno': '12', 'code.column': 3 }));
    expect(s).toMatchObject({ functionName: null, legacyNamespace: 'OrdersController', legacyFunction: 'create', filePath: 'app/x.rb', filePathAttribute: 'code.filepath', line: 12, column: 3 });
  });

  it('prefers stable names when both generations are present (code/dup)', () => {
    const s = readCodeSignals(span({ 'code.file.path': '/new.ts', 'code.filepath': '/old.ts', 'code.line.number': 5, 'code.lineno': 9 }));
    expect([s.filePath, s.filePathAttribute, s.line]).toEqual(['/new.ts', 'code.file.path', 5]);
  });

  it('ignores values of the wrong type or out of range instead of coercing them', () => {
    const s = readCodeSignals(span({ 'code.function.name': 42, 'code.line.number': -3, 'code.lineno': 'abc', 'http.route': '' }));
    expect([s.functionName, s.line, s.httpRoute]).toEqual([null, null, null]);
  });

  it('reads HTTP route and method in both generations', () => {
    expect(readCodeSignals(span({ 'http.route': '/orders/:id', 'http.request.method': 'GET' }))).toMatchObject({ httpRoute: '/orders/:id', httpMethod: 'GET' });
    expect(readCodeSignals(span({ 'http.route': '/orders/:id', 'http.method': 'POST' }))).toMatchObject({ httpMethod: 'POST' });
  });

  it('splits a fully-qualified rpc.method and keeps the rpc.service + rpc.method pair', () => {
    expect(readCodeSignals(span({ 'rpc.method': 'shop.v1.Orders/Place' }))).toMatchObject({ rpcService: 'shop.v1.Orders', rpcMethod: 'Place' });
    expect(readCodeSignals(span({ 'rpc.service': 'shop.v1.Orders', 'rpc.method': 'Place' }))).toMatchObject({ rpcService: 'shop.v1.Orders', rpcMethod: 'Place' });
  });

  it('reads Datadog code-origin frames in order, up to the first gap', () => {
    const s = readCodeSignals(span({
      '_dd.code_origin.type': 'exit',
      '_dd.code_origin.frames.0.file': '/app/src/orders.js',
      '_dd.code_origin.frames.0.line': 12,
      '_dd.code_origin.frames.0.column': 5,
      '_dd.code_origin.frames.0.method': 'place',
      '_dd.code_origin.frames.0.type': 'OrderService',
      '_dd.code_origin.frames.1.file': '/app/src/api.js',
      '_dd.code_origin.frames.1.line': '40',
      '_dd.code_origin.frames.3.file': '/app/src/skipped.js',
    }));
    expect(s.codeOrigin).toEqual([
      { file: '/app/src/orders.js', line: 12, column: 5, method: 'place', type: 'OrderService' },
      { file: '/app/src/api.js', line: 40, column: null, method: null, type: null },
    ]);
  });

  it('reads framework extras and the span kind', () => {
    const s = readCodeSignals(span({ 'hook.callback.name': 'getOrder', 'express.name': 'requireAuth', 'express.type': 'middleware' }, 1));
    expect(s).toMatchObject({ kind: 'internal', fastifyHandler: 'getOrder', expressName: 'requireAuth', expressType: 'middleware' });
    expect(readCodeSignals(span({}, 3)).kind).toBe('client');
    expect(readCodeSignals(span({}, 9)).kind).toBe('unspecified');
  });
});

describe('signal inputs', () => {
  /** The keys `readCodeSignals` asks the attributes for, whether or not the span has them. */
  function keysRead(attributes: Attributes): Set<string> {
    const read = new Set<string>();
    const watched = new Proxy(attributes, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    readCodeSignals(span(watched));
    return read;
  }
  const everyKey = Object.fromEntries(SIGNAL_KEYS.map((k) => [k, 'x']));

  it('SIGNAL_KEYS holds every attribute readCodeSignals reads, code-origin frames aside', () => {
    const outside = (keys: Set<string>) => [...keys].filter((k) => !(SIGNAL_KEYS as readonly string[]).includes(k));
    const withoutOrigin = Object.fromEntries(SIGNAL_KEYS.filter((k) => !k.startsWith('_dd.')).map((k) => [k, 'x']));
    // Unset attributes take readCodeSignals down every fallback.
    expect(outside(keysRead({}))).toEqual([]);
    expect(outside(keysRead(withoutOrigin))).toEqual([]);
    expect(outside(keysRead({ 'code.line.number': 'x', 'rpc.method': 'a/b' }))).toEqual([]);
    // Frames are read only when a code-origin key of SIGNAL_KEYS is set.
    const withOrigin = outside(keysRead({ '_dd.code_origin.type': 'entry', '_dd.code_origin.frames.0.file': '/a.js', '_dd.code_origin.frames.1.file': '/b.js' }));
    expect(withOrigin.length).toBeGreaterThan(0);
    for (const key of withOrigin) expect(key).toMatch(/^_dd\.code_origin\.frames\.\d+\./);
  });

  it('signalInputs and sameSignalInputs read SIGNAL_KEYS, each of them', () => {
    const none = signalInputs({});
    expect(none).toEqual(SIGNAL_KEYS.map(() => undefined));
    for (const [i, key] of SIGNAL_KEYS.entries()) {
      const one = { [key]: 'x', unrelated: 'y' };
      expect(signalInputs(one)[i]).toBe('x');
      expect(signalInputs(one).filter((v) => v !== undefined)).toEqual(['x']);
      expect(sameSignalInputs(one, none)).toBe(false);
      expect(sameSignalInputs({}, signalInputs(one))).toBe(false);
      expect(sameSignalInputs({ [key]: 'x' }, signalInputs(one))).toBe(true);
      expect(sameSignalInputs({ [key]: 1 }, signalInputs({ [key]: '1' }))).toBe(false);
    }
    expect(hasCodeOrigin(none)).toBe(false);
    expect(hasCodeOrigin(signalInputs({ '_dd.code_origin.type': 'entry' }))).toBe(true);
    expect(hasCodeOrigin(signalInputs({ '_dd.code_origin.frames.0.file': '/a.js' }))).toBe(true);
  });

  it('spans whose attributes differ only outside SIGNAL_KEYS have equal inputs and equal signals', () => {
    const value = fc.oneof(fc.constantFrom('', 'a', '12', '/x/y.ts', 'p.Svc/M', '/M'), fc.integer({ min: -2, max: 3 }), fc.boolean());
    const signals = fc.dictionary(fc.constantFrom(...SIGNAL_KEYS.filter((k) => !k.startsWith('_dd.'))), value);
    const others = fc.dictionary(fc.constantFrom('tenant', 'code.lineno.x', 'http.routes', 'code', 'rpc', '_dd.code_origin.frames.1.file'), value);
    fc.assert(
      fc.property(signals, others, others, fc.integer({ min: 0, max: 6 }), (shared, extraA, extraB, kind) => {
        const a = { ...extraA, ...shared };
        const b = { ...extraB, ...shared };
        expect(hasCodeOrigin(signalInputs(b))).toBe(false);
        expect(sameSignalInputs(a, signalInputs(b))).toBe(true);
        expect(readCodeSignals(span(a, kind))).toEqual(readCodeSignals(span(b, kind)));
      }),
    );
  });
});
