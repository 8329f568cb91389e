import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../language-server/ingest/span';
import { readCodeSignals } from '../../language-server/mapping/attributes';
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
