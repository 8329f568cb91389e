/**
 * Spring functional endpoints: `RouterFunctions.route().GET("/x", handler::list)` builders, with
 * `.path("/api", b -> b.GET(…))` and `.nest(path("/api"), …)` prefixes, and the older
 * `route(GET("/x"), handler::list).andRoute(…)` form. Spring reports the matched pattern as
 * `http.route` for these too. A handler is a method reference; its class is found from the
 * referencing variable's declared type and the file's imports, so the handler is a fully qualified
 * name the join looks up by package path.
 */
import type { Node } from 'web-tree-sitter';
import type { HandlerRef, RouteFacts } from './facts';
import { asHttpMethod, joinPaths } from './normalize';
import { children, line, stringValue } from './syntax';

const VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Text every file with functional routes contains; other Java files are not walked. */
export function mayHaveFunctionalRoutes(source: string): boolean {
  return source.includes('RouterFunction');
}

/** Adds the file's functional registrations to `facts`; `pkg` is the file's package with a dot. */
export function readFunctionalRoutes(root: Node, pkg: string, facts: RouteFacts): void {
  const imports = new Map<string, string>();
  for (const c of children(root)) {
    if (c.type !== 'import_declaration' || c.text.includes(' static ')) continue;
    const name = children(c).find((n) => n.type === 'scoped_identifier')?.text;
    if (name) imports.set(name.slice(name.lastIndexOf('.') + 1), name);
  }
  const qualify = (type: string) => {
    const head = type.split('.')[0]!;
    const imported = imports.get(head);
    if (imported) return imported + type.slice(head.length);
    return /^[a-z]/.test(type) ? type : pkg + type;
  };
  for (const call of root.descendantsOfType('method_invocation')) {
    if (call) readCall(call, root, qualify, facts);
  }
}

function readCall(call: Node, root: Node, qualify: (type: string) => string, facts: RouteFacts): void {
  const name = call.childForFieldName('name')?.text ?? '';
  const args = children(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
  let verb: string | undefined;
  let path: string | undefined;
  if (VERBS.has(name) && args.length >= 2) {
    // Builder: `.GET("/x", [predicate,] handler)`. `GET("/x")` alone is a request predicate.
    verb = name;
    path = stringValue(args[0]);
  } else if ((name === 'route' || name === 'andRoute') && args.length === 2 && args[0]?.type === 'method_invocation') {
    verb = args[0].childForFieldName('name')?.text;
    path = stringValue(children(args[0].childForFieldName('arguments') ?? args[0])[0]);
  }
  const method = verb && VERBS.has(verb) ? asHttpMethod(verb) : undefined;
  if (!method || path === undefined) return;
  const full = prefixOf(call) + (path.startsWith('/') || path === '' ? path : '/' + path);
  facts.registrations.push({
    router: null,
    framework: 'spring',
    methods: [method],
    path: joinPaths('', full) || '/',
    handler: handlerOf(args[args.length - 1]!, call, root, qualify),
    line: line(call.childForFieldName('name') ?? call),
  });
}

/** The `.path("/api", b -> …)` and `.nest(path("/api"), () -> …)` prefixes around a registration. */
function prefixOf(call: Node): string {
  let prefix = '';
  for (let n: Node | null = call.parent; n; n = n.parent) {
    if (n.type !== 'lambda_expression' || n.parent?.type !== 'argument_list') continue;
    const outer = n.parent.parent;
    const name = outer?.type === 'method_invocation' ? outer.childForFieldName('name')?.text : undefined;
    const first = children(n.parent).filter((a) => a.type !== 'comment')[0];
    if (name === 'path') prefix = (stringValue(first) ?? '') + prefix;
    else if ((name === 'nest' || name === 'andNest') && first?.type === 'method_invocation' && first.childForFieldName('name')?.text === 'path') {
      prefix = (stringValue(children(first.childForFieldName('arguments') ?? first)[0]) ?? '') + prefix;
    }
  }
  return prefix;
}

/** `stock::level` (a variable of type `StockHandler`), `StockHandler::level`, `this::level`. */
function handlerOf(arg: Node, call: Node, root: Node, qualify: (type: string) => string): HandlerRef | null {
  if (arg.type === 'lambda_expression') return { kind: 'here', name: null, line: line(arg) };
  if (arg.type !== 'method_reference') return null;
  const parts = children(arg);
  const target = parts[0];
  const member = parts[parts.length - 1]?.text;
  if (!target || !member || member === target.text) return null;
  let type: string | undefined;
  if (target.type === 'this') type = enclosingClass(call);
  else if (/^[A-Z]/.test(target.text)) type = target.text;
  else type = declaredType(root, target.text);
  return type ? { kind: 'named', name: `${qualify(type)}.${member}` } : null;
}

/** The declared type of a parameter, field or local named `name` (the file's first such declaration). */
function declaredType(root: Node, name: string): string | undefined {
  for (const decl of root.descendantsOfType(['formal_parameter', 'field_declaration', 'local_variable_declaration'])) {
    if (!decl) continue;
    const declared = decl.type === 'formal_parameter' ? [decl.childForFieldName('name')] : decl.childrenForFieldName('declarator').map((d) => d?.childForFieldName('name'));
    if (declared.some((d) => d?.text === name)) return decl.childForFieldName('type')?.text.replace(/<.*$/, '');
  }
  return undefined;
}

function enclosingClass(node: Node): string | undefined {
  const names: string[] = [];
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (n.type === 'class_declaration') names.unshift(n.childForFieldName('name')?.text ?? '');
  }
  return names.length ? names.join('.') : undefined;
}
