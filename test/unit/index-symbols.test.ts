import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SymbolDef } from '../../language-server/index/types';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';

const SHOP = path.join(__dirname, '../fixtures/index/shop');

/** kind, qualified name, bare name, 0-based start line (the name's line), 0-based end line. */
type Row = [SymbolDef['kind'], string, string, number, number];

function rows(index: WorkspaceIndex, file: string): Row[] {
  return index.symbolsIn(file).map((s) => [s.kind, s.qualifiedName, s.name, s.startLine, s.endLine]);
}

let index: WorkspaceIndex;
beforeAll(async () => {
  index = await WorkspaceIndex.build(SHOP);
});
afterAll(() => index.dispose());

describe('TypeScript, TSX and JavaScript symbols', () => {
  it('names class members, nested functions, arrow consts, class-field arrows and object-literal methods', () => {
    expect(rows(index, 'src/orders/order-service.ts')).toEqual<Row[]>([
      ['class', 'OrderService', 'OrderService', 2, 22],
      ['constructor', 'OrderService.constructor', 'constructor', 3, 3],
      // The decorator on line 5 is not part of the range: the lens sits on the name's line.
      ['method', 'OrderService.place', 'place', 6, 13],
      ['function', 'OrderService.place.validate', 'validate', 7, 9],
      ['method', 'OrderService.cancel', 'cancel', 15, 17],
      ['arrow', 'OrderService.onRetry', 'onRetry', 19, 21],
      ['arrow', 'handler', 'handler', 24, 27],
      ['method', 'routes.list', 'list', 30, 32],
      ['arrow', 'routes.show', 'show', 33, 33],
      ['function', 'traced', 'traced', 36, 38],
    ]);
  });

  it('keeps same-named methods of different files apart and reads TS namespaces', () => {
    expect(rows(index, 'src/billing/billing-service.ts')).toEqual<Row[]>([
      ['class', 'BillingService', 'BillingService', 0, 6],
      ['method', 'BillingService.place', 'place', 1, 5],
      ['function', 'Invoices.render', 'render', 9, 11],
    ]);
    expect(index.symbolsNamed('place').map((s) => `${s.file}:${s.qualifiedName}`)).toEqual([
      'java/src/main/java/com/shop/OrderService.java:com.shop.OrderService.place',
      'java/src/main/java/com/shop/billing/BillingService.java:com.shop.billing.BillingService.place',
      'src/billing/billing-service.ts:BillingService.place',
      'src/orders/order-service.ts:OrderService.place',
    ]);
    expect(index.symbolsNamed('OrderService.place').map((s) => s.file)).toEqual([
      'java/src/main/java/com/shop/OrderService.java',
      'src/orders/order-service.ts',
    ]);
  });

  it('names CommonJS exports, prototype methods and `this.x = …` the way V8 does', () => {
    expect(rows(index, 'src/legacy/payments.js')).toEqual<Row[]>([
      ['function', 'Payments', 'Payments', 2, 7],
      ['arrow', 'Payments.onError', 'onError', 4, 6],
      ['function', 'Payments.refund', 'refund', 9, 11],
      ['function', 'charge', 'charge', 13, 15],
      ['class', 'Ledger', 'Ledger', 17, 21],
      ['arrow', 'Ledger.record', 'record', 18, 20],
    ]);
  });

  it('parses TSX components', () => {
    expect(rows(index, 'web/OrderList.tsx')).toEqual<Row[]>([
      ['arrow', 'OrderList', 'OrderList', 2, 5],
      ['arrow', 'OrderList.renderRow', 'renderRow', 3, 3],
      ['function', 'Row', 'Row', 7, 9],
    ]);
  });
});

describe('Python symbols', () => {
  it('qualifies by the module path from the topmost __init__.py package', () => {
    expect(rows(index, 'shop/orders/views.py')).toEqual<Row[]>([
      ['function', 'shop.orders.views.place_order', 'place_order', 5, 11],
      ['function', 'shop.orders.views.place_order.validate', 'validate', 6, 8],
      ['class', 'shop.orders.views.OrderView', 'OrderView', 14, 25],
      ['constructor', 'shop.orders.views.OrderView.__init__', '__init__', 15, 16],
      // Decorated: the range starts at `def`, below the decorator.
      ['method', 'shop.orders.views.OrderView.get', 'get', 19, 20],
      ['method', 'shop.orders.views.OrderView.post', 'post', 22, 23],
      ['arrow', 'shop.orders.views.OrderView.serialize', 'serialize', 25, 25],
    ]);
    expect(rows(index, 'shop/billing/views.py')[1]).toEqual<Row>(['method', 'shop.billing.views.OrderView.get', 'get', 1, 2]);
  });

  it("uses the file's own folder as the root when it is not in a package", () => {
    expect(rows(index, 'scripts/migrate.py')).toEqual<Row[]>([['function', 'migrate.main', 'main', 0, 1]]);
  });

  it('finds symbols by module-qualified, short and __qualname__ spellings', () => {
    expect(index.symbolsNamed('shop.orders.views.place_order').map((s) => s.startLine)).toEqual([5]);
    expect(index.symbolsNamed('views.OrderView.get').map((s) => s.file)).toEqual(['shop/billing/views.py', 'shop/orders/views.py']);
    expect(index.symbolsNamed('place_order.<locals>.validate').map((s) => s.qualifiedName)).toEqual(['shop.orders.views.place_order.validate']);
  });
});

describe('Go symbols', () => {
  it('names pointer and value receivers as the runtime does, and closures by their variable', () => {
    expect(rows(index, 'orders/service.go')).toEqual<Row[]>([
      ['function', 'NewService', 'NewService', 11, 13],
      ['method', '(*OrderService).Place', 'Place', 15, 29],
      ['arrow', '(*OrderService).Place.validate', 'validate', 16, 21],
      ['method', 'OrderService.String', 'String', 31, 33],
    ]);
  });

  it('finds methods by the full frame form, the package form and the plain form', () => {
    const place = (name: string) => index.symbolsNamed(name).map((s) => `${s.file}:${s.startLine}`);
    expect(place('github.com/acme/shop/orders.(*OrderService).Place')).toEqual(['orders/service.go:15']);
    expect(place('orders.(*OrderService).Place')).toEqual(['orders/service.go:15']);
    expect(place('OrderService.Place')).toEqual(['orders/service.go:15']);
    expect(place('(*BillingService).Place')).toEqual(['billing/service.go:4']);
    expect(place('github.com/acme/shop/orders.OrderService.String')).toEqual(['orders/service.go:31']);
    expect(place('github.com/acme/shop/orders.NewService')).toEqual(['orders/service.go:11']);
    // The compiler numbers closures per function in source order; `validate` is the first.
    expect(place('github.com/acme/shop/orders.(*OrderService).Place.func1')).toEqual(['orders/service.go:16']);
  });

  it('names generic receivers without type parameters and numbers nested closures per parent', () => {
    expect(rows(index, 'orders/list.go')).toEqual<Row[]>([
      ['method', '(*List).Push', 'Push', 7, 9],
      ['method', '(*List).Each', 'Each', 11, 22],
      ['arrow', '(*List).Each.visit', 'visit', 12, 18],
      ['arrow', '(*List).Each.each', 'each', 19, 19],
    ]);
    const at = (name: string) => index.symbolsNamed(name).map((s) => `${s.file}:${s.startLine}`);
    expect(at('github.com/acme/shop/orders.(*List[...]).Push')).toEqual(['orders/list.go:7']);
    // visit is func1 (its own anonymous closure is func1.1), so each is func2.
    expect(at('orders.(*List[...]).Each.func2')).toEqual(['orders/list.go:19']);
    expect(at('orders.(*List[...]).Each.func1')).toEqual(['orders/list.go:12']);
  });
});

describe('Java symbols', () => {
  it('qualifies by package, names constructors <init>, and leaves anonymous classes to their method', () => {
    expect(rows(index, 'java/src/main/java/com/shop/OrderService.java')).toEqual<Row[]>([
      ['class', 'com.shop.OrderService', 'OrderService', 5, 33],
      ['constructor', 'com.shop.OrderService.<init>', '<init>', 8, 10],
      ['method', 'com.shop.OrderService.place', 'place', 13, 22],
      ['class', 'com.shop.OrderService.Item', 'Item', 24, 28],
      ['method', 'com.shop.OrderService.Item.total', 'total', 25, 27],
      ['class', 'com.shop.OrderService.Listener', 'Listener', 30, 32],
    ]);
    // A frame inside the anonymous Runnable lands on the enclosing method.
    expect(index.enclosingSymbol('java/src/main/java/com/shop/OrderService.java', 17)?.qualifiedName).toBe('com.shop.OrderService.place');
  });

  it('finds inner-class methods by their JVM binary name', () => {
    expect(index.symbolsNamed('com.shop.OrderService$Item.total').map((s) => s.startLine)).toEqual([25]);
    expect(index.symbolsNamed('com.shop.OrderService.<init>').map((s) => s.kind)).toEqual(['constructor']);
  });
});

describe('lookups', () => {
  it('returns the innermost function-like symbol at a line, and nothing outside any function', () => {
    const file = 'src/orders/order-service.ts';
    expect(index.enclosingSymbol(file, 8)?.qualifiedName).toBe('OrderService.place.validate');
    expect(index.enclosingSymbol(file, 11)?.qualifiedName).toBe('OrderService.place');
    expect(index.enclosingSymbol(file, 20)?.qualifiedName).toBe('OrderService.onRetry');
    // Between two methods: inside the class, but a class is not function-like.
    expect(index.enclosingSymbol(file, 14)).toBeUndefined();
    expect(index.enclosingSymbol(file, 0)).toBeUndefined();
  });

  it('hashes bodies so that different bodies differ', () => {
    const all = index.symbolsNamed('formatMoney');
    expect(all.map((s) => s.file)).toEqual(['lib/util/format.ts', 'src/util/format.ts']);
    expect(all[0]!.bodyHash).toMatch(/^[\w-]{16}$/);
    expect(all[0]!.bodyHash).not.toBe(all[1]!.bodyHash);
    const places = index.symbolsNamed('OrderService.place');
    expect(new Set(places.map((s) => s.bodyHash)).size).toBe(2);
  });

  it('lists every parsed source file and nothing else', () => {
    expect([...index.files()].sort()).toEqual([
      'billing/service.go',
      'java/src/main/java/com/shop/OrderService.java',
      'java/src/main/java/com/shop/billing/BillingService.java',
      'lib/util/format.ts',
      'orders/list.go',
      'orders/service.go',
      'scripts/migrate.py',
      'shop/__init__.py',
      'shop/billing/__init__.py',
      'shop/billing/views.py',
      'shop/orders/__init__.py',
      'shop/orders/views.py',
      'src/billing/billing-service.ts',
      'src/legacy/payments.js',
      'src/orders/order-service.ts',
      'src/util/format.ts',
      'web/OrderList.tsx',
    ]);
  });
});
