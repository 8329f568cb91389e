/**
 * Express and Fastify registrations in JS/TS: `app.get(path, …handlers)`, `router.route(path).get(h)`,
 * `app.use(prefix, router)`, `fastify.route({ method, url, handler })`, `fastify.register(plugin,
 * { prefix })`. Both frameworks share the call shapes, so one reader serves them; which framework a
 * route belongs to is decided by its router when the files are joined.
 */
import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../types';
import type { Framework, NameRef, RouteFacts } from './facts';
import { handlerRef, receiverRef, requireSpec, unwrapPluginWrapper, type JsContext } from './js-facts';
import { FUNCTION_TYPES, functionId } from './js-scope';
import { asHttpMethod } from './normalize';
import { children, dottedName, line, stringValue } from './syntax';

const VERBS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);

/** `express()`, `express.Router()`, `Router()`, `Fastify()`, `require('fastify')()`: the framework made. */
export function routerFactoryFramework(value: Node, facts: RouteFacts): Framework | null {
  const call = value.type === 'await_expression' ? children(value)[0] : value;
  if (call?.type !== 'call_expression') return null;
  const callee = call.childForFieldName('function');
  const spec = requireSpec(callee) ?? importedSpec(dottedName(callee), facts);
  if (spec === 'express') return 'express';
  if (spec === 'fastify') return 'fastify';
  return null;
}

/** The package a called name comes from: `Router` imported from 'express' → 'express'. */
function importedSpec(names: string[] | undefined, facts: RouteFacts): string | undefined {
  if (!names || names.length > 2) return undefined;
  const imported = facts.imports[names[0]!];
  if (!imported) return undefined;
  if (names.length === 2 && names[1] !== 'Router') return undefined;
  return imported.spec;
}

function args(call: Node): Node[] {
  return children(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
}

export function readExpressOrFastifyCall(node: Node, ctx: JsContext): boolean {
  const fn = node.childForFieldName('function');
  if (fn?.type !== 'member_expression') return false;
  const receiver = fn.childForFieldName('object');
  const method = fn.childForFieldName('property')?.text;
  if (!receiver || !method) return false;
  const a = args(node);
  // In a chain (`router.route('/x')\n  .get(h)\n  .post(h2)`) each verb's own line is the registration.
  if (VERBS.has(method)) return readVerb(fn.childForFieldName('property') ?? node, receiver, method, a, ctx);
  if (method === 'use') return readUse(node, receiver, a, ctx);
  if (method === 'route' && a[0]?.type === 'object') return readFastifyRoute(node, receiver, a[0], ctx);
  if (method === 'register') return readRegister(node, receiver, a, ctx);
  return false;
}

function readVerb(node: Node, receiver: Node, verb: string, a: Node[], ctx: JsContext): boolean {
  const chained = routeChainBase(receiver);
  const path = chained ? chained.path : stringValue(a[0]);
  const base = chained ? chained.receiver : receiver;
  const handlerArgs = chained ? a : a.slice(1);
  const last = handlerArgs[handlerArgs.length - 1];
  if (path === undefined || !last) return false;
  const router = receiverRef(base, ctx);
  if (!router) return false;
  // Fastify's shorthand also takes `{ schema, handler }` as the last argument.
  const handlerNode = last.type === 'object' ? objectProperty(last, 'handler') : last;
  ctx.facts.registrations.push({
    router,
    framework: null,
    methods: [asHttpMethod(verb) ?? '*'],
    path,
    handler: handlerRef(handlerNode, ctx),
    line: line(node),
  });
  return true;
}

/** For `router.route('/x').get(h).post(h2)`: the router and path at the bottom of the chain. */
function routeChainBase(receiver: Node): { receiver: Node; path: string } | undefined {
  let cur: Node | null = receiver;
  while (cur?.type === 'call_expression') {
    const fn = cur.childForFieldName('function');
    if (fn?.type !== 'member_expression') return undefined;
    const prop = fn.childForFieldName('property')?.text ?? '';
    const object = fn.childForFieldName('object');
    if (prop === 'route') {
      const path = stringValue(args(cur)[0]);
      return path !== undefined && object ? { receiver: object, path } : undefined;
    }
    if (!VERBS.has(prop)) return undefined;
    cur = object;
  }
  return undefined;
}

function readUse(node: Node, receiver: Node, a: Node[], ctx: JsContext): boolean {
  const prefix = stringValue(a[0]);
  const rest = prefix === undefined ? a : a.slice(1);
  const parent = receiverRef(receiver, ctx);
  if (!parent || rest.length === 0) return false;
  rest.forEach((arg, i) => {
    const isLast = i === rest.length - 1;
    const target = unwrapPluginWrapper(arg);
    if (FUNCTION_TYPES.has(target.type)) {
      // An inline middleware at a path answers every method there, as `app.all` would.
      if (isLast && prefix !== undefined) {
        ctx.facts.registrations.push({ router: parent, framework: null, methods: ['*'], path: prefix, handler: handlerRef(target, ctx), line: line(node) });
      }
      return;
    }
    const child = childRef(target);
    if (!child) return;
    ctx.facts.mounts.push({ parent, child, prefix: prefix ?? '', kind: 'use', line: line(node), handlerIfNotRouter: isLast && prefix !== undefined });
  });
  return true;
}

function readFastifyRoute(node: Node, receiver: Node, options: Node, ctx: JsContext): boolean {
  const url = stringValue(objectProperty(options, 'url') ?? objectProperty(options, 'path'));
  const methodNode = objectProperty(options, 'method');
  const written = methodNode?.type === 'array' ? children(methodNode).map((m) => stringValue(m)) : [stringValue(methodNode)];
  const methods = written
    .map((m) => (m === undefined ? undefined : asHttpMethod(m)))
    .filter((m): m is HttpMethod => m !== undefined);
  const router = receiverRef(receiver, ctx);
  if (url === undefined || methods.length === 0 || !router) return false;
  ctx.facts.registrations.push({
    router,
    framework: 'fastify',
    methods: [...new Set(methods)],
    path: url,
    handler: handlerRef(objectProperty(options, 'handler'), ctx),
    line: line(node),
  });
  return true;
}

function readRegister(node: Node, receiver: Node, a: Node[], ctx: JsContext): boolean {
  const plugin = a[0];
  const parent = receiverRef(receiver, ctx);
  if (!plugin || !parent) return false;
  const options = a[1]?.type === 'object' ? a[1] : undefined;
  const prefix = options ? stringValue(objectProperty(options, 'prefix')) : undefined;
  const target = unwrapPluginWrapper(plugin);
  const child = FUNCTION_TYPES.has(target.type) ? { names: [functionId(target)] } : childRef(target);
  if (!child) return false;
  ctx.facts.mounts.push({ parent, child, prefix: prefix ?? '', kind: 'register', line: line(node), handlerIfNotRouter: false });
  return true;
}

/** What a mount argument names: a variable, `require('./x')`, `import('./x')`, or `build()`. */
function childRef(node: Node): NameRef | null {
  const spec = requireSpec(node);
  if (spec !== undefined) return { names: ['default'], module: spec };
  if (node.type === 'call_expression') {
    const callee = node.childForFieldName('function');
    if (callee?.type === 'import') return { names: ['default'], module: stringValue(args(node)[0]) ?? '' };
    const names = dottedName(callee);
    return names ? { names, called: true } : null;
  }
  const names = dottedName(node);
  return names && names[0] !== 'this' ? { names } : null;
}

/** The value of `key` in an object literal (`{ handler: h }`, or the shorthand `{ handler }`). */
export function objectProperty(obj: Node, key: string): Node | undefined {
  for (const m of children(obj)) {
    if (m.type === 'pair' && m.childForFieldName('key')?.text === key) return m.childForFieldName('value') ?? undefined;
    if (m.type === 'shorthand_property_identifier' && m.text === key) return m;
    if (m.type === 'method_definition' && m.childForFieldName('name')?.text === key) return m;
  }
  return undefined;
}
