/**
 * instrument/ against the real OpenTelemetry SDK (BasicTracerProvider + InMemorySpanExporter, with
 * the async-hooks context manager the Node SDK uses): the span's name and code.* attributes point
 * at the line that defines the function, async functions end their span when they settle,
 * exceptions are recorded and rethrown, `this` passes through, and nothing is recorded (or
 * allocated) while no SDK is registered.
 */
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { traced } from '../../instrument';
import { parseFirstFrame, refineToDefinition } from '../../instrument/definition-site';

const exporter = new InMemorySpanExporter();

/** The 1-based line of the first line in this file containing `marker` (the test's own source). */
function lineOf(marker: string): number {
  const lines = (require('node:fs') as typeof import('node:fs')).readFileSync(__filename, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in ${__filename}`);
  return i + 1;
}

function only(name: string): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

// Distinct outer names: esbuild (vitest's transform) renames an inner function that shares its
// binding's name (addTax → addTax2) unless keepNames is on.
const tax = traced(function addTax(amount: number) { // marker:addTax
  return Math.round(amount * 1.2);
});

const load = traced(async function loadOrder(id: number) { // marker:loadOrder
  await new Promise((resolve) => setImmediate(resolve));
  if (id < 0) throw new RangeError(`no order ${id}`);
  return { id, total: tax(100) };
});

const explode = traced((why: string): never => {
  throw new TypeError(why);
}, { name: 'explode' });

class Cart {
  constructor(readonly items: number[]) {}

  @traced()
  total(): number {
    return this.items.reduce((s, x) => s + x, 0);
  }

  @traced({ name: 'Cart.checkoutNamed' })
  async checkout(): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.total();
  }
}

class GiftCart extends Cart {}

describe('traced() with no SDK registered', () => {
  it('calls straight through and records nothing', async () => {
    trace.disable();
    expect(tax(10)).toBe(12);
    expect(await load(3)).toEqual({ id: 3, total: 120 });
    expect(new Cart([1, 2]).total()).toBe(3);
    expect(() => explode('boom')).toThrow(TypeError);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('keeps the function name and arity', () => {
    expect(tax.name).toBe('addTax');
    expect(tax.length).toBe(1);
  });

  it('refuses what is not a function or options', () => {
    expect(() => traced(42 as unknown as () => void)).toThrow('traced() takes a function or an options object, got number');
  });
});

describe('traced() with the OpenTelemetry SDK', () => {
  const provider = new BasicTracerProvider();
  provider.addSpanProcessor(new SimpleSpanProcessor(exporter));

  beforeAll(() => {
    provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('names the span after the function and points code.* at the line that defines it', () => {
    expect(tax(50)).toBe(60);
    const span = only('addTax');
    expect(span.attributes).toMatchObject({
      'code.function.name': 'addTax',
      'code.file.path': __filename,
      'code.line.number': lineOf('marker:addTax'),
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends an async function\'s span when its promise settles, with inner calls as children', async () => {
    const order = await load(7);
    expect(order).toEqual({ id: 7, total: 120 });
    const outer = only('loadOrder');
    const inner = only('addTax');
    expect(inner.parentSpanId).toBe(outer.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    // Spans are exported as they end: had the wrapper ended the span when the promise was
    // returned, loadOrder would come first, since addTax runs only after the await.
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['addTax', 'loadOrder']);
    expect(outer.attributes['code.line.number']).toBe(lineOf('marker:loadOrder'));
  });

  it('records a rejection as an exception with status ERROR and rejects with the same error', async () => {
    const err = await load(-1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    const span = only('loadOrder');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no order -1' });
    const event = span.events.find((e) => e.name === 'exception')!;
    expect(event.attributes).toMatchObject({ 'exception.type': 'RangeError', 'exception.message': 'no order -1' });
    expect(String(event.attributes!['exception.stacktrace'])).toContain('loadOrder');
  });

  it('records a synchronous throw and rethrows it', () => {
    expect(() => explode('bad input')).toThrow(new TypeError('bad input'));
    const span = only('explode');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('decorated methods keep `this`, are named Class.method and name the file', async () => {
    const cart = new GiftCart([2, 3, 4]);
    expect(cart.total()).toBe(9);
    expect(await cart.checkout()).toBe(9);
    const total = exporter.getFinishedSpans().filter((s) => s.name === 'Cart.total');
    // Named after the class that defines the method, not the subclass the instance belongs to.
    expect(total).toHaveLength(2);
    expect(total[0]!.attributes).toMatchObject({ 'code.function.name': 'Cart.total', 'code.file.path': __filename });
    const checkout = only('Cart.checkoutNamed');
    expect(total[1]!.parentSpanId).toBe(checkout.spanContext().spanId);
  });

  it('refuses to decorate a field', () => {
    const decorator = traced() as unknown as (v: unknown, c: { kind: string; name: string }) => unknown;
    expect(() => decorator(undefined, { kind: 'field', name: 'x' })).toThrow('@traced() decorates methods, not a field (x)');
  });

  it('supports the experimentalDecorators form', () => {
    class Legacy {
      constructor(private readonly base: number) {}
      add(x: number): number {
        return this.base + x;
      }
    }
    const legacy = traced() as unknown as (t: object, k: string, d: PropertyDescriptor) => PropertyDescriptor;
    const d = Object.getOwnPropertyDescriptor(Legacy.prototype, 'add')!;
    Object.defineProperty(Legacy.prototype, 'add', legacy(Legacy.prototype, 'add', d));
    expect(new Legacy(40).add(2)).toBe(42);
    expect(only('Legacy.add').attributes['code.function.name']).toBe('Legacy.add');
  });
});

describe('definition site parsing', () => {
  it('reads the first frame in each V8 form and turns file URLs into paths', () => {
    expect(parseFirstFrame('Error\n    at Object.<anonymous> (/app/src/a.js:3:9)\n    at x (/b.js:1:1)')).toEqual({ file: '/app/src/a.js', line: 3, column: 9 });
    expect(parseFirstFrame('Error\n    at file:///app/src/my%20mod.mjs:12:5')).toEqual({ file: '/app/src/my mod.mjs', line: 12, column: 5 });
    expect(parseFirstFrame('Error\n    at async run (/app/x.ts:7:1)')).toEqual({ file: '/app/x.ts', line: 7, column: 1 });
    expect(parseFirstFrame('Error\n    at node:internal/main:1:1')).toBeUndefined();
    expect(parseFirstFrame('Error')).toBeUndefined();
  });
});

describe('definition site of a function wrapped away from its definition', () => {
  // The functions' own source texts, as V8 keeps them, inside a file that wraps them later.
  function priceCart(cart: { total: number }) {
    return cart.total * 2;
  }
  const method = { async query(sql: string) { return sql.length; } }.query;
  const file = [
    "'use strict';",
    '',
    Function.prototype.toString.call(priceCart),
    'priceCart = traced(priceCart);',
    `class Db { ${Function.prototype.toString.call(method)} }`,
    'Db.prototype.query = traced(Db.prototype.query);',
  ].join('\n');
  const read = (f: string) => (f === '/app/src/pricing.js' ? file : undefined);
  const callSite = { file: '/app/src/pricing.js', line: 99, column: 13 };

  it('moves the call site to where the source text of the function starts', () => {
    expect(refineToDefinition(callSite, priceCart, read)).toEqual({ file: '/app/src/pricing.js', line: 3, column: 1 });
    const methodLine = 3 + Function.prototype.toString.call(priceCart).split('\n').length + 1;
    expect(refineToDefinition(callSite, method, read)).toEqual({ file: '/app/src/pricing.js', line: methodLine, column: 12 });
  });

  it('keeps the call site when the text is missing, repeated, or the file unreadable', () => {
    expect(refineToDefinition(callSite, () => 'elsewhere, not in the file', read)).toBe(callSite);
    expect(refineToDefinition(callSite, priceCart, () => `${file}\n${file}`)).toBe(callSite);
    expect(refineToDefinition(callSite, priceCart, () => undefined)).toBe(callSite);
    expect(refineToDefinition(callSite, Math.max, read)).toBe(callSite);
  });
});
