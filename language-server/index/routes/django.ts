/**
 * Django `urls.py`: `urlpatterns = [path(route, view), re_path(regex, view), path(prefix,
 * include('app.urls'))]`. Django reports `resolver_match.route`, the route strings concatenated as
 * written (no leading slash), so prefixes here are joined by plain concatenation.
 */
import type { Node } from 'web-tree-sitter';
import type { HandlerRef, NameRef, RouteFacts } from './facts';
import { children, dottedName, line, positional, pyKeyword, stringValue } from './syntax';

const PATTERNS = 'urlpatterns';
const PATH_FUNCTIONS: ReadonlySet<string> = new Set(['path', 're_path', 'url']);

export function readDjangoPatterns(value: Node, facts: RouteFacts): void {
  if (!facts.routers.some((r) => r.id === PATTERNS)) {
    facts.routers.push({ id: PATTERNS, framework: 'django', prefix: '', line: line(value) });
  }
  readList(value, '', facts);
}

/** A list literal, or lists added together (`urlpatterns = [...] + static(...)`). */
function readList(value: Node, prefix: string, facts: RouteFacts): void {
  if (value.type === 'binary_operator') {
    for (const side of [value.childForFieldName('left'), value.childForFieldName('right')]) if (side) readList(side, prefix, facts);
    return;
  }
  if (value.type !== 'list' && value.type !== 'tuple') return;
  for (const item of children(value)) if (item.type === 'call') readPath(item, prefix, facts);
}

function readPath(call: Node, prefix: string, facts: RouteFacts): void {
  const callee = dottedName(call.childForFieldName('function'));
  if (!callee || !PATH_FUNCTIONS.has(callee[callee.length - 1]!)) return;
  const args = call.childForFieldName('arguments');
  const [routeNode, viewNode] = positional(args);
  const route = stringValue(routeNode ?? pyKeyword(args, 'route'));
  const view = viewNode ?? pyKeyword(args, 'view');
  if (route === undefined || !view) return;
  const included = includeTarget(view);
  if (included === 'inline') {
    // `path('api/', include([path(...), ...]))`: the nested patterns live in this file.
    const list = positional(view.childForFieldName('arguments'))[0];
    if (list) readList(list, prefix + route, facts);
    return;
  }
  if (included) {
    facts.mounts.push({ parent: { names: [PATTERNS] }, child: included, prefix: prefix + route, kind: 'include', line: line(call), handlerIfNotRouter: false });
    return;
  }
  facts.registrations.push({
    router: { names: [PATTERNS] },
    framework: 'django',
    methods: ['*'],
    path: prefix + route,
    handler: pyViewRef(view),
    line: line(call),
  });
}

/** `include('orders.urls')`, `include(('orders.urls', 'orders'))`, `include(orders_urls)`, or an inline list. */
function includeTarget(view: Node): NameRef | 'inline' | null {
  if (view.type !== 'call' || dottedName(view.childForFieldName('function'))?.pop() !== 'include') return null;
  let arg = positional(view.childForFieldName('arguments'))[0];
  if (arg?.type === 'tuple') arg = children(arg)[0];
  if (!arg) return null;
  if (arg.type === 'list') return 'inline';
  const module = stringValue(arg);
  if (module !== undefined) return { module, names: [PATTERNS] };
  const names = dottedName(arg);
  return names ? { names: [...names, PATTERNS] } : null;
}

/** A view: `views.order_detail`, `OrderDetailView.as_view()` (the class is the handler). */
export function pyViewRef(view: Node): HandlerRef | null {
  if (view.type === 'call') {
    const callee = dottedName(view.childForFieldName('function'));
    if (callee?.[callee.length - 1] !== 'as_view') return null;
    return { kind: 'ref', ref: { names: callee.slice(0, -1) } };
  }
  const names = dottedName(view);
  return names ? { kind: 'ref', ref: { names } } : null;
}
