/**
 * Go: `net/http` `HandleFunc`/`Handle` with Go 1.22 patterns (`"GET /orders/{id}"`, reported by
 * otelhttp as `/orders/{id}`), gorilla/mux `HandleFunc(...).Methods("GET")`, chi `r.Get("/x", h)` and
 * gin `r.GET("/x", h)`, plus the declarations and gRPC server types the join needs. Go resolves names
 * per package (directory), so handlers are followed across files when files are joined.
 */
import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../types';
import { emptyFacts, type HandlerRef, type RouteFacts } from './facts';
import { readGoServerType, readGoServiceName } from './grpc';
import { asHttpMethod, parseGoPattern } from './normalize';
import { children, dottedName, line, stringValue, stringValues } from './syntax';

const CHI_METHODS: ReadonlySet<string> = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'Options', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export function goFacts(file: string, root: Node): RouteFacts {
  const facts = emptyFacts(file, 'go');
  // One walk of the tree for every node type read below; each pass over it is then a plain array.
  const byType = new Map<string, Node[]>();
  for (const n of root.descendantsOfType(['import_spec', 'type_spec', 'keyed_element', 'call_expression', 'short_var_declaration', 'var_spec'])) {
    if (!n) continue;
    const list = byType.get(n.type);
    if (list) list.push(n);
    else byType.set(n.type, [n]);
  }
  const ofType = (type: string) => byType.get(type) ?? [];
  for (const spec of ofType('import_spec')) readImport(spec, facts);
  for (const decl of children(root)) readDeclaration(decl, facts);
  for (const t of ofType('type_spec')) readGoServerType(t, facts);
  for (const k of ofType('keyed_element')) readGoServiceName(k, facts);
  for (const call of ofType('call_expression')) readCall(call, facts);
  // In source order across both forms, so a later binding of a name wins as before.
  const variables = [...ofType('short_var_declaration'), ...ofType('var_spec')].sort((a, b) => a.startIndex - b.startIndex);
  for (const v of variables) readVariableType(v, facts);
  return facts;
}

/**
 * The type of a variable a handler may be a method value of: `srv := orders.NewServer(…)` (by the
 * `NewT` convention), `h := &Handler{}`, `var s = users.Server{}`. Recorded as `pkg.T` or `T`.
 */
function readVariableType(node: Node, facts: RouteFacts): void {
  const left = node.type === 'var_spec' ? node.childrenForFieldName('name') : children(node.childForFieldName('left') ?? node);
  const right = node.type === 'var_spec' ? children(node.childForFieldName('value') ?? node) : children(node.childForFieldName('right') ?? node);
  left.forEach((l, i) => {
    let value = right[i];
    if (!l || !value) return;
    if (value.type === 'unary_expression') value = children(value)[0];
    let type: string[] | undefined;
    if (value?.type === 'composite_literal') type = dottedName(value.childForFieldName('type'));
    else if (value?.type === 'call_expression') {
      const callee = dottedName(value.childForFieldName('function'));
      const ctor = callee?.[callee.length - 1];
      if (callee && ctor && /^New[A-Z]/.test(ctor)) type = [...callee.slice(0, -1), ctor.slice(3)];
    }
    if (type && type.length <= 2) facts.instances[l.text] = type.join('.');
  });
}

function readImport(spec: Node, facts: RouteFacts): void {
  const path = stringValue(spec.childForFieldName('path'));
  if (!path) return;
  const alias = spec.childForFieldName('name')?.text ?? path.split('/').pop()!.replace(/^go-|\.v\d+$|\/v\d+$/g, '');
  if (alias !== '_' && alias !== '.') facts.imports[alias] = { spec: path, name: '*' };
}

function readDeclaration(decl: Node, facts: RouteFacts): void {
  const name = decl.childForFieldName('name');
  if (!name) return;
  if (decl.type === 'function_declaration') facts.decls[name.text] = line(decl);
  if (decl.type !== 'method_declaration') return;
  const receiver = children(decl.childForFieldName('receiver') ?? decl)[0]?.childForFieldName('type');
  if (!receiver) return;
  const pointer = receiver.type === 'pointer_type';
  const base = (pointer ? children(receiver)[0] : receiver)?.text.replace(/\[.*\]$/, '');
  if (base) facts.decls[pointer ? `(*${base}).${name.text}` : `${base}.${name.text}`] = line(decl);
}

function readCall(call: Node, facts: RouteFacts): void {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return;
  const verb = fn.childForFieldName('field')?.text ?? '';
  // Most calls are not registrations; the name alone says so before the arguments are read.
  if (verb !== 'HandleFunc' && verb !== 'Handle' && !CHI_METHODS.has(verb)) return;
  const args = children(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
  const pattern = stringValue(args[0]);
  if (pattern === undefined || args.length < 2) return;
  let method: HttpMethod = '*';
  let route = pattern;
  if (verb === 'HandleFunc' || verb === 'Handle') {
    ({ method, route } = parseGoPattern(pattern));
  } else if (CHI_METHODS.has(verb) && pattern.startsWith('/')) {
    method = asHttpMethod(verb) ?? '*';
  } else return;
  const methods = method === '*' ? (gorillaMethods(call) ?? ['*']) : [method];
  facts.registrations.push({ router: null, framework: 'go-http', methods, path: route, handler: goHandler(args[args.length - 1]), line: line(call) });
}

/** gorilla/mux: `r.HandleFunc("/x", h).Methods("GET", "POST")`. */
function gorillaMethods(call: Node): HttpMethod[] | undefined {
  const selector = call.parent;
  const outer = selector?.parent;
  if (selector?.type !== 'selector_expression' || selector.childForFieldName('field')?.text !== 'Methods' || outer?.type !== 'call_expression') return undefined;
  const methods = children(outer.childForFieldName('arguments') ?? outer)
    .flatMap((a) => stringValues(a))
    .map((m) => asHttpMethod(m))
    .filter((m): m is HttpMethod => m !== undefined);
  return methods.length ? methods : undefined;
}

/** `h`, `s.handleOrders`, `handlers.GetOrder`, `http.HandlerFunc(h)`, `s.handleOrders()`, `func(w, r) {…}`. */
function goHandler(node: Node | undefined): HandlerRef | null {
  if (!node) return null;
  if (node.type === 'func_literal') return { kind: 'here', name: null, line: line(node) };
  const names = dottedName(node);
  if (names) return { kind: 'ref', ref: { names } };
  if (node.type !== 'call_expression') return null;
  const args = children(node.childForFieldName('arguments') ?? node).filter((a) => a.type !== 'comment');
  // A method that returns the handler (`s.handleOrders()`) is where the handler's code lives.
  if (args.length === 0) {
    const callee = dottedName(node.childForFieldName('function'));
    return callee ? { kind: 'ref', ref: { names: callee } } : null;
  }
  // A conversion or wrapper (`http.HandlerFunc(h)`, `otelhttp.NewHandler(h, "op")`) takes it first.
  return goHandler(args[0]);
}
