import { describe, expect, it } from 'vitest';
import { attributeNames, lookupNames } from '../../language-server/mapping/frame-names';

describe('frame names → index lookup names', () => {
  it.each([
    ['v8', 'new Reservation', ['Reservation']],
    ['v8', 'async OrderService.checkout', ['OrderService.checkout']],
    ['v8', 'Router.handle [as handle_request]', ['Router.handle']],
    ['v8', 'Object.<anonymous>', []],
    ['v8', '', []],
    ['python', 'place_order', ['place_order']],
    ['python', '<lambda>', []],
    ['python', '<listcomp>', []],
    ['java', 'com.shop.Checkout$Cart.lambda$firstMatching$0', ['com.shop.Checkout.Cart.firstMatching']],
    ['java', 'com.shop.OrderService.place', ['com.shop.OrderService.place']],
    ['java', 'com.shop.Main$1.run', ['com.shop.Main.run']],
    ['java', 'com.shop.Order.<init>', ['com.shop.Order.<init>', 'com.shop.Order.Order']],
    ['java', 'com.mycompany.Main$$Lambda/0x0000748ae4149c00.myMethod', []],
    ['go', 'github.com/acme/shop/internal/orders.(*OrderService).Place.func1', ['(*OrderService).Place', 'OrderService.Place']],
    ['go', 'github.com/acme/shop/internal/cache.(*LRU[...]).Get', ['(*LRU).Get', 'LRU.Get']],
    ['go', 'main.main.func1', ['main']],
    ['go', 'github.com/acme/shop/internal/orders.Lookup[...]', ['Lookup']],
    ['dotnet', 'Shop.Payments.PaymentClient.<ChargeAsync>d__5.MoveNext', ['Shop.Payments.PaymentClient.ChargeAsync']],
    ['dotnet', 'Shop.Orders.OrderService.<>c__DisplayClass4_0.<PlaceAsync>b__0', ['Shop.Orders.OrderService.PlaceAsync']],
    ['dotnet', 'Shop.Orders.OrderService.<>c.<Place>b__3_0', ['Shop.Orders.OrderService.Place']],
    ['dotnet', 'Shop.Repo`1.Find[T]', ['Shop.Repo.Find']],
    ['ruby', 'block (2 levels) in Order#place', ['Order.place', 'Order#place']],
    ['ruby', 'rescue in call', ['call']],
    ['ruby', '<main>', []],
  ] as const)('%s %s', (runtime, fn, expected) => {
    expect(lookupNames(runtime, fn)).toEqual(expected);
  });

  it('normalises code.function.name values of unknown runtime by their shape', () => {
    expect(attributeNames('OrderService.place')).toEqual(['OrderService.place']);
    expect(attributeNames('github.com/my/repo/pkg.(*Svc).Do.func5')).toEqual(['(*Svc).Do', 'Svc.Do', 'github.com/my/repo/pkg.(*Svc).Do.func5']);
    expect(attributeNames('com.mycompany.Main$1.myMethod')).toEqual(['com.mycompany.Main.myMethod', 'com.mycompany.Main$1.myMethod']);
    expect(attributeNames('OrdersController#create')).toEqual(['OrdersController.create', 'OrdersController#create']);
  });
});
