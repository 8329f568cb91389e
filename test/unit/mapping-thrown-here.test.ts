/**
 * Thrown-here attribution and span resolution on the real workspace index, built with tree-sitter
 * over the programs that produced the fixture traces (test/fixtures/stacks/sources), so real
 * traces meet the real symbols they came from.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExceptionInfo } from '../../language-server/ingest/span';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';
import { resolveSpan } from '../../language-server/mapping/resolve';
import { thrownHere } from '../../language-server/mapping/thrown-here';
import { spanRecord } from '../support/literal-index';

const STACKS = path.join(__dirname, '../fixtures/stacks');
let index: WorkspaceIndex;

beforeAll(async () => {
  index = await WorkspaceIndex.build(path.join(STACKS, 'sources'));
});
afterAll(() => index.dispose());

const exception = (file: string, source: ExceptionInfo['source'] = 'event'): ExceptionInfo => ({
  type: 'Error',
  message: 'failed',
  stacktrace: readFileSync(path.join(STACKS, file), 'utf8'),
  source,
});

describe('thrownHere on real traces and the real index', () => {
  it('lands a Node exception event on the method that threw', () => {
    const t = thrownHere(exception('node-async.txt'), index);
    expect(t).toEqual({
      fn: { file: 'node-shop/src/inventory.js', qualifiedName: 'Inventory.reserve', line: 6 },
      mappedBy: 'exception.stacktrace',
      frame: 'at Inventory.reserve (/tmp/stackgen/shop/src/inventory.js:10:13)',
    });
  });

  it('reads an exception carried by an OTLP log record the same way', () => {
    expect(thrownHere(exception('node-sync-new.txt', 'log'), index)?.fn.qualifiedName).toBe('Inventory.reserve');
  });

  it('lands a chained Python traceback on the function of the reported exception, not its handled context', () => {
    const t = thrownHere(exception('python-chained.txt'), index);
    expect(t?.fn).toEqual({ file: 'pyshop/orders/views.py', qualifiedName: 'orders.views.place_order', line: 9 });
    expect(t?.frame).toBe('File "/tmp/stackgen/pyshop/orders/views.py", line 15, in place_order');
  });

  it('follows Java causes to the root and maps the class to its package folder', () => {
    const t = thrownHere(exception('java-caused-by.txt'), index);
    expect(t?.fn).toEqual({ file: 'jshop/src/com/shop/Inventory.java', qualifiedName: 'com.shop.Inventory.reserve', line: 11 });
  });

  it('attributes a Java lambda frame to the method that encloses the lambda', () => {
    const t = thrownHere(exception('java-lambda-suppressed.txt'), index);
    expect(t?.fn).toMatchObject({ file: 'jshop/src/com/shop/Checkout.java', qualifiedName: 'com.shop.Checkout.Cart.firstMatching' });
  });

  it('returns null when no frame maps into the workspace', () => {
    expect(thrownHere(exception('go-panic.txt'), index)).toBeNull();
    expect(thrownHere({ type: 'Error', message: 'x', stacktrace: '', source: 'event' }, index)).toBeNull();
  });
});

describe('resolveSpan on the real index', () => {
  it('maps stable code.* attributes with a container prefix', () => {
    const r = resolveSpan(spanRecord({ 'code.function.name': 'orders.views.checkout', 'code.file.path': '/srv/app/pyshop/orders/views.py', 'code.line.number': 20 }), index);
    expect(r).toMatchObject({ mapped: true, mappedBy: 'code.function.name', confidence: 1, fn: { file: 'pyshop/orders/views.py', qualifiedName: 'orders.views.checkout', line: 18 } });
  });

  it('maps the legacy Java pair through the class package', () => {
    const r = resolveSpan(spanRecord({ 'code.namespace': 'com.shop.OrderService', 'code.function': 'place' }, { kind: 1, name: 'OrderService.place' }), index);
    expect(r).toMatchObject({ mapped: true, mappedBy: 'code.function', fn: { file: 'jshop/src/com/shop/OrderService.java', qualifiedName: 'com.shop.OrderService.place' } });
  });

  it('prefers the exact qualified name for a span name and keeps the suffix match as an alternative', () => {
    const r = resolveSpan(spanRecord({}, { kind: 1, name: 'OrderService.place' }), index);
    expect(r).toMatchObject({ mapped: true, mappedBy: 'span.name', confidence: 0.4, fn: { file: 'node-shop/src/orders.js', qualifiedName: 'OrderService.place' } });
    expect(r.alternatives).toEqual([{ file: 'jshop/src/com/shop/OrderService.java', qualifiedName: 'com.shop.OrderService.place', line: 21 }]);
  });

  it('reports a bare name shared by several functions as ambiguous', () => {
    const r = resolveSpan(spanRecord({ 'code.function.name': 'reserve' }, { kind: 1 }), index);
    expect(r).toMatchObject({ mapped: false, reason: 'ambiguous' });
    expect(r.alternatives.map((a) => a.qualifiedName).sort()).toEqual(['Inventory.reserve', 'com.shop.Inventory.reserve', 'orders.inventory.Inventory.reserve']);
  });

  it('maps a span by its code.stacktrace', () => {
    const stack = readFileSync(path.join(STACKS, 'java-lambda-suppressed.txt'), 'utf8');
    const r = resolveSpan(spanRecord({ 'code.stacktrace': stack }, { kind: 1 }), index);
    expect(r).toMatchObject({ mapped: true, mappedBy: 'code.stacktrace', confidence: 0.9, fn: { qualifiedName: 'com.shop.Checkout.Cart.firstMatching' } });
  });
});
