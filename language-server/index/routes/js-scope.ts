/**
 * Lexical scopes for the JS/TS route reader. Routers declared inside a function (`function
 * buildRouter() { const r = Router(); … }`) and a Fastify plugin's instance parameter are only
 * meaningful inside that function, so names are looked up innermost scope first.
 */
import type { Node } from 'web-tree-sitter';
import { children } from './syntax';

export interface JsScope {
  /** The function's id (`buildRouter`, `λ12:4` when anonymous); empty at module level. */
  id: string;
  /** Router variables declared in this scope: variable → router id. */
  routers: Map<string, string>;
  /** The first parameter, which Fastify plugins receive the instance in. */
  firstParam: string | null;
  parent: JsScope | null;
}

export function moduleScope(): JsScope {
  return { id: '', routers: new Map(), firstParam: null, parent: null };
}

export const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
]);

/** The id a function scope gets: its own name, else what it is assigned to, else its position. */
export function functionId(fn: Node, assignedTo?: string): string {
  const own = fn.childForFieldName('name')?.text;
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration') return own ?? 'default';
  if (assignedTo) return assignedTo;
  if (fn.type !== 'method_definition' && own) return own;
  return `λ${fn.startPosition.row}:${fn.startPosition.column}`;
}

export function enterFunction(fn: Node, id: string, parent: JsScope): JsScope {
  return { id, routers: new Map(), firstParam: firstParamName(fn), parent };
}

function firstParamName(fn: Node): string | null {
  const params = fn.childForFieldName('parameters');
  if (!params) {
    // `async app => {}`: a lone identifier parameter.
    const p = fn.childForFieldName('parameter');
    return p?.type === 'identifier' ? p.text : null;
  }
  const first = children(params).find((c) => c.type !== 'comment');
  if (!first) return null;
  if (first.type === 'identifier') return first.text;
  const pattern = first.childForFieldName('pattern');
  return pattern?.type === 'identifier' ? pattern.text : null;
}

/** What a receiver name means here: a router variable, a plugin's instance parameter, or neither. */
export function lookupReceiver(scope: JsScope, name: string): { id: string; param: boolean } | null {
  for (let s: JsScope | null = scope; s; s = s.parent) {
    const id = s.routers.get(name);
    if (id !== undefined) return { id, param: false };
    if (s.firstParam === name && s.id) return { id: s.id, param: true };
  }
  return null;
}

/** The router id for a variable declared in a scope: qualified by the function it lives in. */
export function routerIdIn(scope: JsScope, variable: string): string {
  return scope.id ? `${scope.id}/${variable}` : variable;
}
