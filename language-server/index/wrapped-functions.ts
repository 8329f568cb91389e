/**
 * Functions defined through a wrapper call: `export const priceCart = traced(async function
 * priceCart(cart) {…})`, `module.exports.handler = middy(async (event) => …).use(…)`, `export default
 * defineHandler(() => …)`, `memo(forwardRef((props, ref) => …))`. The function is the wrapper's
 * first function argument, found through nested wrappers and through a method chain that starts with
 * the wrapper call. The index names it after what the wrapper's result is assigned to, since that is
 * the name callers use.
 *
 * Calls whose result is data or a handle rather than the function (`items.map(…)`, `promise.then(…)`,
 * `setTimeout(…)`) are not wrappers, and route registrations keep their own naming (symbols-ts.ts).
 */
import type { Node } from 'web-tree-sitter';

const FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);
/** Expressions that only restate a value's type or grouping: `traced(…) as Handler`. */
const TRANSPARENT_TYPES = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression']);

const NOT_WRAPPERS = new Set([
  // Array and iterator methods: the result is data.
  'map', 'filter', 'reduce', 'reduceRight', 'forEach', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'some', 'every', 'flatMap', 'sort', 'toSorted', 'from',
  // Promises and strings.
  'then', 'catch', 'finally', 'replace', 'replaceAll',
  // Timers and events: the result is a handle.
  'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'nextTick', 'on', 'once', 'addEventListener',
  // Route registrations are named after the registration instead.
  'get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all', 'use',
]);

/** Where a wrapper call would be inside a function body (including anonymous callbacks such as `it(…, () => …)`). */
const BODY_TYPES = new Set([...FUNCTION_TYPES, 'function_declaration', 'generator_function_declaration', 'method_definition', 'class_static_block']);

/** Nested wrappers deeper than this are not followed; real code has two or three. */
const MAX_DEPTH = 6;

/** The function a wrapper call (or a bare function value) defines, or undefined when it defines none. */
export function wrappedFunction(node: Node, depth = 0): Node | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (FUNCTION_TYPES.has(node.type)) return node;
  if (TRANSPARENT_TYPES.has(node.type)) {
    const inner = node.namedChild(0);
    return inner ? wrappedFunction(inner, depth + 1) : undefined;
  }
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (!callee) return undefined;
  // `middy(handler).use(auth())`: the chain's result is still the handler the chain starts from.
  const object = callee.type === 'member_expression' ? callee.childForFieldName('object') : null;
  const chained = object?.type === 'call_expression' ? wrappedFunction(object, depth + 1) : undefined;
  if (chained || NOT_WRAPPERS.has(calleeName(callee))) return chained;
  for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!arg) continue;
    if (FUNCTION_TYPES.has(arg.type)) return arg;
    if (arg.type === 'call_expression') {
      const inner = wrappedFunction(arg, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

function calleeName(callee: Node): string {
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'member_expression') return callee.childForFieldName('property')?.text ?? '';
  return '';
}

/** The function's own name (`priceCart` in `traced(async function priceCart…)`), or ''. */
export function ownName(fn: Node): string {
  return fn.childForFieldName('name')?.text ?? '';
}

/**
 * True when `node` sits in a function body. There, `const totals = compute(() => …)` is far more
 * often data than a definition, so only module-level and class-level wrappers define functions.
 */
export function insideFunction(node: Node): boolean {
  for (let at = node.parent; at !== null; at = at.parent) if (BODY_TYPES.has(at.type)) return true;
  return false;
}
