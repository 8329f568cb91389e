/**
 * Symbols of TypeScript, TSX and JavaScript files. Names follow what V8 prints in stack traces and
 * what OpenTelemetry users write in span names: `OrderService.place`, nested `outer.inner`,
 * `routes.list` for object-literal methods, `obj.prop` for `obj.prop = function () {}`.
 */
import type { Node, Query } from 'web-tree-sitter';
import type { ExtractContext, ExtractedSymbol } from './extracted-symbol';
import { bodyHash, collectDefs, detach, nestDefs, type NestedDef, type RawDef, type Unwrap } from './symbol-scopes';
import type { SymbolKind } from './types';
import { insideFunction, ownName, wrappedFunction } from './wrapped-functions';

const FUNCTION_VALUE = '[(arrow_function) @def.arrow (function_expression) @def.expression (generator_function) @def.expression]';

/**
 * A function passed last to a route registration (`app.get('/orders/:id', auth, async (req, res) =>
 * …)`, `fastify.post('/x', { schema }, function (req) {…})`) has no name of its own; it is named
 * after its registration (`app.get('/orders/:id')`), which is how a developer finds it in the file.
 */
const ROUTE_VERBS = '^(get|post|put|patch|delete|head|options|all|use)$';
const INLINE_HANDLER = `(call_expression
  function: (member_expression property: (property_identifier) @extra (#match? @extra "${ROUTE_VERBS}")) @callee
  arguments: (arguments . (string) @path [(arrow_function) (function_expression)] @def.inline .))`;

/**
 * A function defined through a wrapper call (wrapped-functions.ts) is named by what the call's
 * result is assigned to; `export default wrap(() => …)` by the function's own name, else `default`
 * (as V8 names `export default function () {}`). Only wrappers outside any function body count.
 */
const WRAPPED = `
(variable_declarator name: (identifier) @name value: (call_expression) @def.wrapped)
(assignment_expression left: (member_expression) @extra right: (call_expression) @def.wrapped)
(pair key: (_) @name value: (call_expression) @def.wrapped)
(export_statement value: [(call_expression) (arrow_function) (function_expression)] @def.wrapped)`;

const COMMON = `
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(method_definition name: (_) @name) @def.method
(variable_declarator name: (identifier) @name value: ${FUNCTION_VALUE})
(variable_declarator name: (identifier) @name value: (object) @def.scope)
(variable_declarator name: (identifier) @name value: (class) @def.class)
(assignment_expression left: (member_expression) @extra right: ${FUNCTION_VALUE})
(pair key: (_) @name value: ${FUNCTION_VALUE})
(pair key: (_) @name value: (object) @def.scope)
${INLINE_HANDLER}
${WRAPPED}
`;

/** The query source per grammar: TypeScript names classes with `type_identifier` and has namespaces. */
export function tsQuerySource(grammar: 'typescript' | 'javascript'): string {
  if (grammar === 'javascript') {
    return `${COMMON}
(class_declaration name: (identifier) @name) @def.class
(field_definition property: (_) @name value: ${FUNCTION_VALUE})
(field_definition property: (_) @name value: (call_expression) @def.wrapped)`;
  }
  return `${COMMON}
(class_declaration name: (type_identifier) @name) @def.class
(abstract_class_declaration name: (type_identifier) @name) @def.class
(public_field_definition name: (_) @name value: ${FUNCTION_VALUE})
(public_field_definition name: (_) @name value: (call_expression) @def.wrapped)
(internal_module name: (_) @name) @def.scope`;
}

export function extractTsSymbols(query: Query, root: Node, source: string, ctx: ExtractContext): ExtractedSymbol[] {
  const out: ExtractedSymbol[] = [];
  for (const nested of nestDefs(collectDefs(query, root, unwrap))) {
    const { def } = nested;
    if (def.kind === 'scope') continue;
    const named = nameOf(nested);
    if (!named) continue;
    out.push({
      symbol: {
        file: ctx.file,
        language: ctx.language,
        kind: kindOf(def, named.name),
        name: detach(named.name),
        qualifiedName: detach(named.qualifiedName),
        startLine: def.nameRow,
        endLine: def.endRow,
        bodyHash: bodyHash(source, def),
      },
      // `traced(async function doCharge…)` assigned to `charge` records `doCharge` in its spans.
      aliases: def.innerName !== '' && def.innerName !== named.name ? [detach(def.innerName)] : [],
    });
  }
  return out;
}

const unwrap: Unwrap = (call) => {
  const fn = wrappedFunction(call);
  return fn && !insideFunction(call) ? { fn, ownName: ownName(fn) } : undefined;
};

function kindOf(def: RawDef, name: string): SymbolKind {
  if (def.kind === 'method' && name === 'constructor') return 'constructor';
  return def.kind === 'scope' ? 'function' : def.kind;
}

/** The bare and qualified name, or undefined for definitions that have no usable name. */
function nameOf({ def, scopes }: NestedDef): { name: string; qualifiedName: string } | undefined {
  if (def.label === 'inline') return { name: def.name, qualifiedName: def.name };
  if (def.label === 'wrapped' && def.name === '' && def.extra === '') {
    const name = def.innerName || 'default';
    return { name, qualifiedName: name };
  }
  if (def.extra !== '') return memberAssignmentName(def.extra, scopes);
  const name = unquote(def.name);
  if (name === '') return undefined;
  const prefix = scopes.map((s) => unquote(s.name) || '<anonymous>').join('.');
  return { name, qualifiedName: prefix ? `${prefix}.${name}` : name };
}

/**
 * `obj.prop = function () {}` is named `obj.prop` wherever it sits, as V8 names it. CommonJS
 * `module.exports.x` / `exports.x` become `x`, `Foo.prototype.bar` becomes `Foo.bar`, and
 * `this.x = () => …` belongs to the enclosing class or ES5 constructor function.
 */
function memberAssignmentName(target: string, scopes: readonly RawDef[]): { name: string; qualifiedName: string } | undefined {
  if (!/^[\w$]+(\.[\w$#]+)+$/.test(target)) return undefined;
  let parts = target.split('.').filter((p) => p !== 'prototype');
  if (parts[0] === 'module' && parts[1] === 'exports') parts = parts.slice(2);
  else if (parts[0] === 'exports') parts = parts.slice(1);
  else if (parts[0] === 'this') {
    const cls = enclosingClassPath(scopes);
    parts = cls ? [...cls, ...parts.slice(1)] : parts.slice(1);
  }
  const name = parts[parts.length - 1];
  if (!name) return undefined;
  return { name, qualifiedName: parts.join('.') };
}

/** The nearest class, or else the nearest function declaration (an ES5 constructor function). */
function enclosingClassPath(scopes: readonly RawDef[]): string[] | undefined {
  let at = -1;
  for (let i = scopes.length - 1; i >= 0 && at < 0; i--) if (scopes[i]!.kind === 'class') at = i;
  for (let i = scopes.length - 1; i >= 0 && at < 0; i--) if (scopes[i]!.label === 'function') at = i;
  return at < 0 ? undefined : scopes.slice(0, at + 1).map((s) => unquote(s.name) || '<anonymous>');
}

function unquote(name: string): string {
  const first = name[0];
  if ((first === '"' || first === "'" || first === '`') && name.endsWith(first) && name.length >= 2) return name.slice(1, -1);
  return name;
}
