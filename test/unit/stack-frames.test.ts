import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectRuntime, framesByRelevance, parseStackTrace } from '../../language-server/mapping/stack-frames';
import type { StackFrame } from '../../language-server/mapping/types';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/stacks', name), 'utf8');

/** function, file, line of each frame: what the mapper uses. */
const fl = (frames: readonly StackFrame[]) => frames.map((f) => [f.function, f.file, f.line]);
const innermostInApp = (frames: readonly StackFrame[]) => frames.find((f) => f.inApp);

describe('Node/V8 stacks', () => {
  it('reads async frames and `new` from a real Node 20 trace', () => {
    const s = parseStackTrace(fixture('node-async.txt'));
    expect(s.runtime).toBe('v8');
    expect(fl(s.frames)).toEqual([
      ['Inventory.reserve', '/tmp/stackgen/shop/src/inventory.js', 10],
      ['new Reservation', '/tmp/stackgen/shop/src/inventory.js', 18],
      ['OrderService.place', '/tmp/stackgen/shop/src/orders.js', 13],
      ['OrderService.checkout', '/tmp/stackgen/shop/src/orders.js', 17],
    ]);
    expect(s.frames[0]!.column).toBe(13);
    expect(s.frames[3]!.raw).toBe('at async OrderService.checkout (/tmp/stackgen/shop/src/orders.js:17:25)');
  });

  it('drops native frames and marks node_modules and node:internal as library code', () => {
    const s = parseStackTrace(fixture('node-sync-new.txt'));
    expect(s.frames.map((f) => f.function)).not.toContain('Array.map');
    expect(fl(s.frames).slice(2, 6)).toEqual([
      ['', '/tmp/stackgen/shop/src/sync.js', 7],
      ['dispatch.sku', '/tmp/stackgen/shop/src/sync.js', 7],
      ['dispatch', '/tmp/stackgen/shop/node_modules/tiny-router/index.js', 3],
      ['', '/tmp/stackgen/shop/src/sync.js', 7],
    ]);
    expect(s.frames.filter((f) => !f.inApp).map((f) => f.file)).toEqual([
      '/tmp/stackgen/shop/node_modules/tiny-router/index.js',
      'node:internal/modules/cjs/loader',
      'node:internal/modules/cjs/loader',
      'node:internal/modules/cjs/loader',
    ]);
    expect(innermostInApp(s.frames)?.function).toBe('Inventory.reserve');
  });

  it('strips file:// from ES module frames and skips node:internal for the innermost in-app frame', () => {
    const s = parseStackTrace(fixture('node-esm.txt'));
    // The file holds two traces (printed one after the other); the frames of both are read.
    expect(fl(s.frames)).toEqual([
      ['', '/tmp/stackgen/shop/src/report.mjs', 10],
      ['', '/tmp/stackgen/shop/src/report.mjs', 9],
      ['open', 'node:internal/fs/promises', 637],
      ['readFile', 'node:internal/fs/promises', 1249],
      ['loadReport', '/tmp/stackgen/shop/src/report.mjs', 4],
    ]);
    const second = parseStackTrace(fixture('node-esm.txt').split('\n').slice(3).join('\n'));
    expect(innermostInApp(second.frames)).toMatchObject({ function: 'loadReport', line: 4, column: 16 });
  });
});

describe('Python tracebacks', () => {
  it('reverses to innermost first and separates cause and context from a real 3.11 chain', () => {
    const s = parseStackTrace(fixture('python-chained.txt'));
    expect(s.runtime).toBe('python');
    expect(fl(s.frames)).toEqual([
      ['place_order', '/tmp/stackgen/pyshop/orders/views.py', 15],
      ['checkout', '/tmp/stackgen/pyshop/orders/views.py', 20],
      ['<module>', '/tmp/stackgen/pyshop/main.py', 5],
    ]);
    expect(s.causes.map((c) => c.relation)).toEqual(['context', 'cause']);
    expect(fl(s.causes[0]!.frames)).toEqual([
      ['reserve', '/tmp/stackgen/pyshop/orders/inventory.py', 19],
      ['place_order', '/tmp/stackgen/pyshop/orders/views.py', 13],
    ]);
    const root = s.causes[1]!.frames;
    expect(root.map((f) => [f.function, f.inApp])).toEqual([
      ['raw_decode', false],
      ['decode', false],
      ['loads', false],
      ['levels', true],
      ['reserve', true],
    ]);
    expect(innermostInApp(root)).toMatchObject({ function: 'levels', line: 13 });
  });

  it('does not follow a "During handling" context when looking for where the failure started', () => {
    const s = parseStackTrace(fixture('python-chained.txt'));
    expect(framesByRelevance(s)).toEqual([s.frames]);
  });
});

describe('JVM stacks', () => {
  it('reads Caused by chains and `... N more` from a real OpenJDK 17 trace', () => {
    const s = parseStackTrace(fixture('java-caused-by.txt'));
    expect(s.runtime).toBe('java');
    expect(fl(s.frames)).toEqual([
      ['com.shop.OrderService.place', 'OrderService.java', 26],
      ['com.shop.OrderService.main', 'OrderService.java', 32],
    ]);
    expect(s.causes).toHaveLength(2);
    const cause = s.causes[0]!.frames;
    expect(cause).toHaveLength(12);
    expect(cause[1]).toMatchObject({ function: 'java.util.stream.ReferencePipeline$3$1.accept', file: 'ReferencePipeline.java', line: 197, inApp: false });
    expect(cause[11]).toMatchObject({ function: 'com.shop.OrderService.place', line: 24, inApp: true });
    // The root cause printed only "... 13 more": it has no frames of its own.
    expect(s.causes[1]!.frames).toEqual([]);
    const search = framesByRelevance(s);
    expect(search.map((f) => f.length)).toEqual([0, 12, 2]);
    expect(innermostInApp(search[1]!)).toMatchObject({ function: 'com.shop.Inventory.reserve', file: 'Inventory.java', line: 15 });
  });

  it('reads lambdas, inner and generic classes and skips Suppressed blocks', () => {
    const s = parseStackTrace(fixture('java-lambda-suppressed.txt'));
    expect(s.frames[0]).toMatchObject({ function: 'com.shop.Checkout$Cart.lambda$firstMatching$0', file: 'Checkout.java', line: 25, inApp: true });
    expect(fl(s.frames.slice(-3))).toEqual([
      ['com.shop.Checkout$Cart.firstMatching', 'Checkout.java', 28],
      ['com.shop.Checkout.run', 'Checkout.java', 34],
      ['com.shop.Checkout.main', 'Checkout.java', 40],
    ]);
    expect(s.frames.map((f) => f.function)).not.toContain('com.shop.Checkout$Session.close');
    expect(s.causes).toEqual([]);
  });

  it('accepts Logback `~[jar:version]` suffixes and treats Spring, Jakarta and the JDK as libraries', () => {
    const s = parseStackTrace(fixture('java-logback.txt'));
    expect(s.frames).toHaveLength(9);
    expect(s.frames.filter((f) => f.inApp).map((f) => [f.function, f.line])).toEqual([
      ['com.shop.payment.PaymentClient.charge', 57],
      ['com.shop.OrderController.lambda$create$1', 44],
      ['com.shop.OrderController.create', 44],
    ]);
  });
});

describe('Go stacks', () => {
  it('reads the panicking goroutine only, with inlined frames, pointer receivers and created-by', () => {
    const s = parseStackTrace(fixture('go-panic.txt'));
    expect(s.runtime).toBe('go');
    expect(fl(s.frames)).toEqual([
      ['github.com/acme/shop/internal/orders.(*OrderService).Place.func1', '/src/shop/internal/orders/service.go', 42],
      ['github.com/acme/shop/internal/orders.(*OrderService).Place', '/src/shop/internal/orders/service.go', 48],
      ['github.com/acme/shop/internal/httpapi.(*Server).handlePlace', '/src/shop/internal/httpapi/handlers.go', 31],
      ['net/http.HandlerFunc.ServeHTTP', '/usr/local/go/src/net/http/server.go', 2166],
      ['net/http.(*ServeMux).ServeHTTP', '/usr/local/go/src/net/http/server.go', 2683],
      ['net/http.serverHandler.ServeHTTP', '/usr/local/go/src/net/http/server.go', 3137],
      ['net/http.(*conn).serve', '/usr/local/go/src/net/http/server.go', 2039],
      ['net/http.(*Server).Serve', '/usr/local/go/src/net/http/server.go', 3285],
    ]);
    expect(s.frames.map((f) => f.inApp)).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('reads runtime/debug.Stack() output with generics and closures', () => {
    const s = parseStackTrace(fixture('go-debug-stack.txt'));
    expect(fl(s.frames)).toEqual([
      ['runtime/debug.Stack', '/usr/local/go/src/runtime/debug/stack.go', 26],
      ['github.com/acme/shop/internal/cache.(*LRU[...]).Get', '/src/shop/internal/cache/lru.go', 57],
      ['github.com/acme/shop/internal/orders.Lookup[...]', '/src/shop/internal/orders/lookup.go', 19],
      ['main.main.func1', '/src/shop/cmd/shop/main.go', 23],
      ['main.main', '/src/shop/cmd/shop/main.go', 21],
    ]);
    expect(innermostInApp(s.frames)?.function).toBe('github.com/acme/shop/internal/cache.(*LRU[...]).Get');
  });
});

describe('.NET stacks', () => {
  it('splits inner exceptions at "End of inner exception stack trace" and keeps frames without PDB lines', () => {
    const s = parseStackTrace(fixture('dotnet-inner-async.txt'));
    expect(s.runtime).toBe('dotnet');
    expect(fl(s.frames.slice(0, 3))).toEqual([
      ['Shop.Orders.OrderService.PlaceAsync', '/src/Shop/Orders/OrderService.cs', 44],
      ['Shop.Api.OrdersController.Create', '/src/Shop/Api/OrdersController.cs', 23],
      ['lambda_method5', null, null],
    ]);
    expect(s.causes).toHaveLength(1);
    const inner = s.causes[0]!.frames;
    expect(fl(inner)).toEqual([
      ['System.Collections.Generic.Dictionary`2.get_Item', null, null],
      ['Shop.Inventory.InventoryService.Reserve', '/src/Shop/Inventory/InventoryService.cs', 27],
      ['Shop.Orders.OrderService.<>c__DisplayClass4_0.<PlaceAsync>b__0', '/src/Shop/Orders/OrderService.cs', 38],
      ['System.Linq.Enumerable.SelectListIterator`2.ToList', null, null],
      ['Shop.Orders.OrderService.PlaceAsync', '/src/Shop/Orders/OrderService.cs', 38],
    ]);
    expect(innermostInApp(inner)?.function).toBe('Shop.Inventory.InventoryService.Reserve');
  });

  it('reads async state machines and ignores the "previous location" marker', () => {
    const s = parseStackTrace(fixture('dotnet-state-machine.txt'));
    expect(s.causes).toEqual([]);
    expect(fl(s.frames)).toEqual([
      ['Shop.Payments.PaymentClient.<ChargeAsync>d__5.MoveNext', 'C:/build/Shop/Payments/PaymentClient.cs', 61],
      ['System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw', null, null],
      ['System.Runtime.CompilerServices.TaskAwaiter.HandleNonSuccessAndDebuggerNotification', null, null],
      ['Shop.Orders.CheckoutService.<CompleteAsync>d__3.MoveNext', 'C:/build/Shop/Orders/CheckoutService.cs', 29],
    ]);
  });

  it('reads German traces ("bei", "Zeile 42.") with CRLF line ends', () => {
    const text = fixture('dotnet-german.txt');
    expect(text).toContain('\r\n');
    const s = parseStackTrace(text);
    expect(s.runtime).toBe('dotnet');
    expect(fl(s.frames)).toEqual([
      ['Shop.Orders.OrderService.Place', 'C:/src/Shop/Orders/OrderService.cs', 42],
      ['Shop.Orders.OrderService.<>c.<Place>b__3_0', 'C:/src/Shop/Orders/OrderService.cs', 40],
      ['Shop.Api.OrdersController.Create', 'C:/src/Shop/Api/OrdersController.cs', 23],
      ['System.Web.Mvc.ActionMethodDispatcher.Execute', null, null],
      ['System.Web.Mvc.ReflectedActionDescriptor.Execute', null, null],
    ]);
    expect(s.frames.map((f) => f.inApp)).toEqual([true, true, true, false, false]);
  });

  it('reads French traces ("à", "dans", "ligne") and the localised inner-exception marker', () => {
    const s = parseStackTrace(fixture('dotnet-french.txt'));
    expect(fl(s.frames).slice(0, 2)).toEqual([
      ['Shop.Orders.OrderService.Place', 'C:/src/Shop/Orders/OrderService.cs', 39],
      ['Shop.Api.OrdersController.Create', 'C:/src/Shop/Api/OrdersController.cs', 23],
    ]);
    expect(fl(s.causes[0]!.frames)).toEqual([
      ['Shop.Inventory.InventoryService.Reserve', 'C:/src/Shop/Inventory/InventoryService.cs', 19],
      ['Shop.Orders.OrderService.Place', 'C:/src/Shop/Orders/OrderService.cs', 35],
    ]);
  });

  it.each([
    ['Spanish', '   en Shop.Orders.OrderService.Place(Order order) en C:\\src\\OrderService.cs:línea 12'],
    ['Italian', '   in Shop.Orders.OrderService.Place(Order order) in C:\\src\\OrderService.cs:riga 12'],
    ['Russian', '   в Shop.Orders.OrderService.Place(Order order) в C:\\src\\OrderService.cs:строка 12'],
    ['Japanese', '   場所 Shop.Orders.OrderService.Place(Order order) 場所 C:\\src\\OrderService.cs:行 12'],
  ])('reads the %s word for "line"', (_lang, frameLine) => {
    const s = parseStackTrace(`System.InvalidOperationException: x\n${frameLine}\n`);
    expect(fl(s.frames)).toEqual([['Shop.Orders.OrderService.Place', 'C:/src/OrderService.cs', 12]]);
  });
});

describe('Ruby backtraces', () => {
  it('reads Ruby 3.4 single-quoted Class#method frames and the cause that follows', () => {
    const s = parseStackTrace(fixture('ruby-3.4.txt'));
    expect(s.runtime).toBe('ruby');
    expect(fl(s.frames.slice(0, 5))).toEqual([
      ['Inventory#reserve', '/app/app/models/inventory.rb', 18],
      ['block in Order#place', '/app/app/models/order.rb', 42],
      ['Array#each', '/app/app/models/order.rb', 41],
      ['Order#place', '/app/app/models/order.rb', 41],
      ['OrdersController#create', '/app/app/controllers/orders_controller.rb', 12],
    ]);
    expect(s.frames.slice(5).map((f) => f.inApp)).toEqual([false, false]);
    expect(s.causes).toHaveLength(1);
    expect(fl(s.causes[0]!.frames)[0]).toEqual(['Hash#fetch', '/app/app/models/inventory.rb', 11]);
  });

  it('reads the older backtick form and treats gems and <internal:> as libraries', () => {
    const s = parseStackTrace(fixture('ruby-3.3.txt'));
    expect(s.frames.map((f) => [f.function, f.line, f.inApp])).toEqual([
      ['charge', 27, true],
      ['block in call', 14, true],
      ['block in within_new_transaction', 535, false],
      ['loop', 187, false],
      ['call', 12, true],
      ['create', 8, true],
    ]);
  });
});

describe('runtime detection', () => {
  it.each([
    ['node-async.txt', 'v8'],
    ['python-chained.txt', 'python'],
    ['java-caused-by.txt', 'java'],
    ['java-logback.txt', 'java'],
    ['go-panic.txt', 'go'],
    ['dotnet-german.txt', 'dotnet'],
    ['ruby-3.3.txt', 'ruby'],
  ])('recognises %s as %s', (file, runtime) => {
    expect(detectRuntime(fixture(file))).toBe(runtime);
  });

  it('gives no frames for text that is not a stack trace', () => {
    expect(parseStackTrace('Error: something failed\nno frames here')).toEqual({ runtime: null, frames: [], causes: [] });
  });
});
