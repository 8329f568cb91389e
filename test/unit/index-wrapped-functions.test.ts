/**
 * Functions defined through a wrapper call (`traced(…)`, `middy(…)`, `memo(forwardRef(…))`) are
 * indexed under the name their result is assigned to, with the function's own name as an alias, and
 * calls that are not definitions (array methods, timers, calls inside function bodies) add nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SymbolExtractor } from '../../language-server/index/symbol-extractor';
import { SymbolTable } from '../../language-server/index/symbol-table';
import type { Language } from '../../language-server/index/types';

const SOURCE = [
  /* 0 */ "import { traced } from '@prodlens/instrument';",
  /* 1 */ 'export const priceCart = traced(async function priceCart(cart) {',
  /* 2 */ '  return cart.total;',
  /* 3 */ '});',
  /* 4 */ 'export const charge = traced(async function doCharge(order) { return order; }, { name: "charge" });',
  /* 5 */ 'const refund = wrapper(async () => 1);',
  /* 6 */ 'module.exports.handler = middy(async (event) => {',
  /* 7 */ '  return event;',
  /* 8 */ '}).use(jsonBodyParser()).use(validator());',
  /* 9 */ 'export const Button = React.memo(forwardRef((props, ref) => null));',
  /* 10 */ 'export const retried = retry(3, timeout(500, (input) => input));',
  /* 11 */ 'export const handlers = { ship: traced(async () => 2) };',
  /* 12 */ 'class Cart { add = traced((item) => item); }',
  /* 13 */ 'const doubled = [1, 2].map((x) => x * 2);',
  /* 14 */ 'const timer = setTimeout(() => flush(), 10);',
  /* 15 */ 'const app = express();',
  /* 16 */ 'export function checkout(items) {',
  /* 17 */ '  const total = compute(() => items.length);',
  /* 18 */ '  return total;',
  /* 19 */ '}',
  /* 20 */ "const registered = router.get('/orders', (req, res) => res.end());",
  /* 21 */ "describe('cart', () => {",
  /* 22 */ '  const spans = record(() => 1);',
  /* 23 */ '});',
].join('\n');

const extractor = new SymbolExtractor();
afterAll(() => extractor.dispose());

async function extract(source: string, language: Language, file = 'src/cart.ts') {
  return (await extractor.extract(source, { file, language, pythonModule: '' })).symbols;
}

describe('functions defined through a wrapper call', () => {
  it.each<Language>(['typescript', 'javascript'])('are named by what they are assigned to (%s)', async (language) => {
    const rows = (await extract(SOURCE, language)).map((e) => [e.symbol.kind, e.symbol.qualifiedName, e.symbol.startLine, e.symbol.endLine, e.aliases]);
    expect(rows).toEqual([
      ['function', 'priceCart', 1, 3, []],
      ['function', 'charge', 4, 4, ['doCharge']],
      ['arrow', 'refund', 5, 5, []],
      ['arrow', 'handler', 6, 8, []],
      ['arrow', 'Button', 9, 9, []],
      ['arrow', 'retried', 10, 10, []],
      ['arrow', 'handlers.ship', 11, 11, []],
      ['class', 'Cart', 12, 12, []],
      ['arrow', 'Cart.add', 12, 12, []],
      ['function', 'checkout', 16, 19, []],
      // A route registration keeps its registration name, assigned or not.
      ['arrow', "router.get('/orders')", 20, 20, []],
    ]);
  });

  it('names `export default wrap(…)` by the function, else `default`', async () => {
    const named = await extract('export default defineHandler(async function getOrders(event) {\n  return [];\n});', 'typescript');
    expect(named.map((e) => [e.symbol.qualifiedName, e.symbol.startLine, e.symbol.endLine])).toEqual([['getOrders', 0, 2]]);
    const anonymous = await extract('export default defineEventHandler(() => ({ ok: true }));', 'typescript');
    expect(anonymous.map((e) => e.symbol.qualifiedName)).toEqual(['default']);
    const bare = await extract('export default function () {\n  return 1;\n}', 'javascript');
    expect(bare.map((e) => e.symbol.qualifiedName)).toEqual(['default']);
  });

  it('finds a wrapped function by its own name and puts its lines inside it', async () => {
    const table = new SymbolTable();
    table.set('src/cart.ts', await extract(SOURCE, 'typescript'));
    expect(table.symbolsNamed('doCharge').map((s) => s.qualifiedName)).toEqual(['charge']);
    expect(table.enclosingSymbol('src/cart.ts', 2)?.qualifiedName).toBe('priceCart');
    expect(table.enclosingSymbol('src/cart.ts', 7)?.qualifiedName).toBe('handler');
    // The callback inside `checkout` is not a definition: its line belongs to `checkout`.
    expect(table.enclosingSymbol('src/cart.ts', 17)?.qualifiedName).toBe('checkout');
    expect(table.enclosingSymbol('src/cart.ts', 13)).toBeUndefined();
    // Nor is one inside an anonymous callback, which the index does not list as a function.
    expect(table.enclosingSymbol('src/cart.ts', 22)).toBeUndefined();
  });
});
