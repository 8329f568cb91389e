/**
 * The line-moving scenario deploy-lines tests share: `src/cart.ts` as deployed (version 1) and as
 * the working tree has it since (a class added above `priceCart`, a line of `applyDiscount`
 * rewritten), and SDK span specs carrying version 1's lines.
 */
import { SpanKind } from '@opentelemetry/api';
import type { SpanSpec } from '../support/otel';

export const DEPLOYED = [
  /* 1 */ "import { audit } from './audit';",
  /* 2 */ '',
  /* 3 */ 'export async function priceCart(items: number[]) {',
  /* 4 */ '  const total = items.reduce((s, x) => s + x, 0);',
  /* 5 */ '  return applyDiscount(total);',
  /* 6 */ '}',
  /* 7 */ '',
  /* 8 */ 'export function applyDiscount(total: number) {',
  /* 9 */ '  return total * 0.9;',
  /* 10 */ '}',
  '',
].join('\n');

// Five lines added under the import; `applyDiscount`'s body rewritten.
export const WORKING = [
  /* 1 */ "import { audit } from './audit';",
  /* 2 */ 'export class StockError extends Error {',
  /* 3 */ '  constructor(readonly sku: string) {',
  /* 4 */ '    super(`out of stock: ${sku}`);',
  /* 5 */ '  }',
  /* 6 */ '}',
  /* 7 */ '',
  /* 8 */ 'export async function priceCart(items: number[]) {',
  /* 9 */ '  const total = items.reduce((s, x) => s + x, 0);',
  /* 10 */ '  return applyDiscount(total);',
  /* 11 */ '}',
  /* 12 */ '',
  /* 13 */ 'export function applyDiscount(total: number) {',
  /* 14 */ '  return total * 0.85;',
  /* 15 */ '}',
  '',
].join('\n');

export const FILE = 'src/cart.ts';
export const PROD_PATH = '/app/src/cart.ts';

/** An exception whose stack is what version 1 printed: thrown on its line 4, inside `priceCart`. */
function v1Exception(): Error {
  const err = new Error('price service down');
  err.stack = `Error: price service down\n    at priceCart (${PROD_PATH}:4:11)\n    at async handle (/app/src/server.ts:20:5)`;
  return err;
}

export const V1_SPANS: SpanSpec[] = [
  // `priceCart` was declared on line 3 at the deployed commit; line 3 is StockError's constructor now.
  ...Array.from({ length: 4 }, (): SpanSpec => ({ name: 'priceCart', kind: SpanKind.INTERNAL, durationMs: 5, attributes: { 'code.function.name': 'priceCart', 'code.file.path': PROD_PATH, 'code.line.number': 3 } })),
  // Line 9 was rewritten since: the line says nothing now, the name does.
  ...Array.from({ length: 2 }, (): SpanSpec => ({ name: 'discount', kind: SpanKind.INTERNAL, durationMs: 1, attributes: { 'code.function.name': 'applyDiscount', 'code.file.path': PROD_PATH, 'code.line.number': 9 } })),
  { name: 'price', kind: SpanKind.SERVER, durationMs: 9, attributes: { 'http.route': '/price', 'http.request.method': 'GET' }, error: { message: 'price service down', exception: v1Exception() } },
];

/** Spans that name no function, only version 1's line 3. */
export const NAMELESS: SpanSpec[] = Array.from({ length: 3 }, (): SpanSpec => ({ name: 'work', kind: SpanKind.INTERNAL, durationMs: 2, attributes: { 'code.file.path': PROD_PATH, 'code.line.number': 3 } }));
