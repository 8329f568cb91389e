/**
 * Symbols of Go files. Go runtime stack traces and pprof name functions `pkg.Func`,
 * `pkg.(*Type).Method` (pointer receiver), `pkg.Type.Method` (value receiver) and closures
 * `pkg.Outer.func1`, `pkg.Outer.func1.2` (numbered in source order within their parent). The
 * qualified name drops the package (`(*OrderService).Place`); the frame forms are kept as aliases.
 */
import type { Node, Query } from 'web-tree-sitter';
import type { ExtractContext, ExtractedSymbol } from './extracted-symbol';
import { bodyHash, collectDefs, detach, nestDefs, type NestedDef, type RawDef } from './symbol-scopes';

/**
 * A `func` literal passed last to a route registration (`mux.HandleFunc("GET /orders/{id}", func(w
 * http.ResponseWriter, r *http.Request) {…})`, chi `r.Get("/x", func…)`) is named after the
 * registration; the compiler's `main.func1` stays an alias, so stack frames still find it.
 */
const ROUTE_CALLS = '^(HandleFunc|Handle|Get|Post|Put|Patch|Delete|Head|Options|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$';

export const GO_QUERY = `
(call_expression
  function: (selector_expression field: (field_identifier) @extra (#match? @extra "${ROUTE_CALLS}")) @callee
  arguments: (argument_list . [(interpreted_string_literal) (raw_string_literal)] @path (func_literal) @def.inline .))
(function_declaration name: (identifier) @name) @def.function
(method_declaration receiver: (parameter_list) @extra name: (field_identifier) @name) @def.method
(func_literal) @def.closure
(short_var_declaration left: (expression_list . (identifier) @name) right: (expression_list . (func_literal) @def.arrow))
(assignment_statement left: (expression_list . (identifier) @name) right: (expression_list . (func_literal) @def.arrow))
(var_spec name: (identifier) @name value: (expression_list . (func_literal) @def.arrow))
`;

interface GoNames {
  /** `(*OrderService).Place`, `Run.handler` for a closure assigned to `handler`. */
  qualified: string;
  /** The runtime form without the package: `(*OrderService).Place`, `Run.func1`. */
  runtime: string;
  /** Other spellings: `OrderService.Place`, `(*List[...]).Push` for generic receivers. */
  extra: string[];
}

export function extractGoSymbols(query: Query, root: Node, source: string, ctx: ExtractContext): ExtractedSymbol[] {
  const pkg = packageName(root);
  const nested = nestDefs(collectDefs(query, root));
  const names = goNames(nested);
  const out: ExtractedSymbol[] = [];
  for (const { def } of nested) {
    const n = names.get(def);
    if (def.name === '' || !n) continue;
    const aliases = [n.runtime, ...n.extra].filter((a) => a !== n.qualified);
    if (pkg) aliases.push(`${pkg}.${n.runtime}`);
    out.push({
      symbol: {
        file: ctx.file,
        language: ctx.language,
        kind: def.kind === 'scope' ? 'arrow' : def.kind,
        name: detach(def.name),
        qualifiedName: detach(n.qualified),
        startLine: def.nameRow,
        endLine: def.endRow,
        bodyHash: bodyHash(source, def),
      },
      aliases: aliases.map(detach),
    });
  }
  return out;
}

function packageName(root: Node): string {
  const clause = root.namedChildren.find((c) => c?.type === 'package_clause');
  return clause?.namedChildren[0]?.text ?? '';
}

/** Receiver text `(s *List[T])` → type `List`, pointer, generic. */
function parseReceiver(text: string): { type: string; pointer: boolean; generic: boolean } | undefined {
  const m = /^\(\s*(?:\w+\s+)?(\*?)\s*(\w+)\s*(\[[^\]]*\])?\s*\)$/s.exec(text);
  if (!m) return undefined;
  return { pointer: m[1] === '*', type: m[2]!, generic: m[3] !== undefined };
}

/** Generic receivers print as `(*List[...]).Push` in frames; the qualified name leaves that out. */
function methodNames(def: RawDef): GoNames | undefined {
  const r = parseReceiver(def.extra);
  if (!r) return undefined;
  const plain = `${r.type}.${def.name}`;
  const qualified = r.pointer ? `(*${r.type}).${def.name}` : plain;
  const typeArgs = r.generic ? '[...]' : '';
  const runtime = r.pointer ? `(*${r.type}${typeArgs}).${def.name}` : `${r.type}${typeArgs}.${def.name}`;
  const extra = [qualified, plain].filter((n) => n !== runtime);
  return { qualified, runtime, extra };
}

/**
 * Names of every function, method and closure. Closures count up per parent in source order
 * (`Outer.func1`, `Outer.func2`, nested `Outer.func1.1`), which is how the Go compiler names them,
 * whether or not they are assigned to a variable. Package-level closures (the compiler's `glob.`)
 * are named by their variable only.
 */
function goNames(nested: readonly NestedDef[]): Map<RawDef, GoNames> {
  const names = new Map<RawDef, GoNames>();
  const counters = new Map<RawDef, number>();
  for (const { def, scopes } of nested) {
    if (def.kind === 'function') names.set(def, { qualified: def.name, runtime: def.name, extra: [] });
    else if (def.kind === 'method') {
      const m = methodNames(def);
      if (m) names.set(def, m);
    } else {
      const parent = scopes[scopes.length - 1];
      const p = parent ? names.get(parent) : undefined;
      if (!parent || !p) {
        if (def.name !== '' && def.label !== 'inline') names.set(def, { qualified: def.name, runtime: def.name, extra: [] });
        continue;
      }
      const n = (counters.get(parent) ?? 0) + 1;
      counters.set(parent, n);
      const runtime = parent.kind === 'function' || parent.kind === 'method' ? `${p.runtime}.func${n}` : `${p.runtime}.${n}`;
      const qualified = def.name === '' ? runtime : def.label === 'inline' ? def.name : `${p.qualified}.${def.name}`;
      names.set(def, { qualified, runtime, extra: [] });
    }
  }
  return names;
}
