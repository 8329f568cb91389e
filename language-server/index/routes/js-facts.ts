/**
 * Reads one TypeScript/JavaScript file into route facts: imports, exports, declarations (for
 * handler lines), router variables, and whatever the Express, Fastify, NestJS and grpc-js readers
 * recognise in calls and classes.
 */
import type { Node } from 'web-tree-sitter';
import type { Language } from '../types';
import { emptyFacts, type HandlerRef, type NameRef, type RouteFacts } from './facts';
import { readExpressOrFastifyCall, routerFactoryFramework } from './express';
import { readGrpcJsCall } from './grpc';
import { readNestClass, readNestGlobalPrefix } from './nestjs';
import { enterFunction, FUNCTION_TYPES, functionId, lookupReceiver, moduleScope, routerIdIn, type JsScope } from './js-scope';
import { children, dottedName, line, stringValue } from './syntax';

/** Everything a reader needs while walking one file. */
export interface JsContext {
  facts: RouteFacts;
  scope: JsScope;
  /** False for files with no sign of routing: function bodies are not walked (see `mayRegisterRoutes`). */
  deep: boolean;
}

/**
 * Text that every file with route registrations, routers, mounts or gRPC services contains: a
 * verb call with a literal path, a mount or plugin call, or the name of a routing package. Most
 * files of a workspace have none of it, and for them only top-level declarations, imports and
 * exports matter (other files' handlers may point at them), so the reader skips function bodies,
 * which hold nearly all of a file's nodes.
 */
const ROUTING_TEXT = /\.(?:get|post|put|patch|delete|head|options|all)\s*\(\s*['"`]|\.(?:use|route|register|addService|setGlobalPrefix)\s*\(|express|fastify|Fastify|@nestjs|grpc|Router\s*\(/;

export function mayRegisterRoutes(source: string): boolean {
  return ROUTING_TEXT.test(source);
}

export function jsFacts(file: string, language: Language, root: Node, source?: string): RouteFacts {
  const ctx: JsContext = { facts: emptyFacts(file, language), scope: moduleScope(), deep: source === undefined || mayRegisterRoutes(source) };
  visitAll(children(root), ctx);
  const hint = frameworkHint(ctx.facts);
  for (const r of ctx.facts.routers) r.framework ??= hint;
  return ctx.facts;
}

function visitAll(nodes: Node[], ctx: JsContext): void {
  for (const n of nodes) visit(n, ctx);
}

function visit(node: Node, ctx: JsContext): void {
  switch (node.type) {
    case 'import_statement':
      return readImport(node, ctx.facts);
    case 'export_statement':
      return visitExport(node, ctx);
    case 'variable_declarator':
      return readDeclarator(node, ctx);
    case 'assignment_expression':
      if (readCommonJsExport(node, ctx)) return;
      break;
    case 'class_declaration':
    case 'abstract_class_declaration':
      readClass(node, ctx);
      break;
    case 'call_expression':
      readCall(node, ctx);
      break;
  }
  if (FUNCTION_TYPES.has(node.type)) return visitFunction(node, ctx);
  visitAll(children(node), ctx);
}

function visitFunction(fn: Node, ctx: JsContext, assignedTo?: string): void {
  const id = functionId(fn, assignedTo);
  if (ctx.scope.id === '' && fn.type !== 'method_definition' && fn.type !== 'arrow_function') {
    const name = fn.childForFieldName('name')?.text;
    if (name) ctx.facts.decls[name] ??= line(fn);
  }
  if (!ctx.deep) return;
  const inner: JsContext = { facts: ctx.facts, scope: enterFunction(fn, id, ctx.scope), deep: true };
  visitAll(children(fn), inner);
  // A function that builds a router and returns it is a factory: `app.use('/api', buildRouter())`.
  const returned = returnedRouter(fn, inner.scope);
  if (returned) ctx.facts.factories[id] = returned;
}

function returnedRouter(fn: Node, scope: JsScope): string | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  if (body.type === 'identifier') return scope.routers.get(body.text);
  for (const stmt of children(body)) {
    if (stmt.type !== 'return_statement') continue;
    const value = children(stmt)[0];
    if (value?.type === 'identifier') return scope.routers.get(value.text);
  }
  return undefined;
}

function readImport(node: Node, facts: RouteFacts): void {
  const spec = stringValue(node.childForFieldName('source'));
  const clause = children(node).find((c) => c.type === 'import_clause');
  if (spec === undefined || !clause) return;
  for (const c of children(clause)) {
    if (c.type === 'identifier') facts.imports[c.text] = { spec, name: 'default' };
    else if (c.type === 'namespace_import') {
      const id = children(c)[0];
      if (id) facts.imports[id.text] = { spec, name: '*' };
    } else if (c.type === 'named_imports') {
      for (const s of children(c)) {
        if (s.type !== 'import_specifier') continue;
        const name = s.childForFieldName('name')?.text;
        const alias = s.childForFieldName('alias')?.text ?? name;
        if (name && alias) facts.imports[alias] = { spec, name };
      }
    }
  }
}

function visitExport(node: Node, ctx: JsContext): void {
  readExport(node, ctx);
  const value = node.childForFieldName('value');
  for (const c of children(node)) {
    if (value && c.equals(value)) visitValue(value, ctx, 'default');
    else visit(c, ctx);
  }
}

/** Visits an exported or assigned value so an anonymous function is named what it is exported as. */
function visitValue(value: Node, ctx: JsContext, name: string): void {
  const target = unwrapPluginWrapper(value);
  if (FUNCTION_TYPES.has(target.type)) visitFunction(target, ctx, name);
  else visit(value, ctx);
}

function readExport(node: Node, ctx: JsContext): void {
  const facts = ctx.facts;
  const decl = node.childForFieldName('declaration');
  const isDefault = node.children.some((c) => c?.type === 'default');
  if (decl) {
    const name = decl.childForFieldName('name')?.text;
    if (name) facts.exports[isDefault ? 'default' : name] = name;
    for (const d of children(decl).filter((c) => c.type === 'variable_declarator')) {
      const n = d.childForFieldName('name');
      if (n?.type === 'identifier') facts.exports[n.text] = n.text;
    }
  }
  const value = node.childForFieldName('value');
  if (value && isDefault) {
    const target = unwrapPluginWrapper(value);
    if (target.type === 'identifier') facts.exports.default = target.text;
    else if (FUNCTION_TYPES.has(target.type) || target.type === 'class') facts.exports.default = functionId(target, 'default');
  }
  const source = stringValue(node.childForFieldName('source'));
  for (const clause of children(node).filter((c) => c.type === 'export_clause')) {
    for (const s of children(clause)) {
      const name = s.childForFieldName('name')?.text;
      const alias = s.childForFieldName('alias')?.text ?? name;
      if (!name || !alias) continue;
      if (source === undefined) facts.exports[alias] = name;
      else {
        // A re-export names the other module through a synthetic local binding.
        facts.imports[`reexport:${alias}`] = { spec: source, name };
        facts.exports[alias] = `reexport:${alias}`;
      }
    }
  }
}

/** `fp(async function plugin(app) {…})` (fastify-plugin) and `x as T` wrap the real value. */
export function unwrapPluginWrapper(node: Node): Node {
  let n = node;
  for (;;) {
    if (n.type === 'as_expression' || n.type === 'satisfies_expression' || n.type === 'parenthesized_expression') {
      n = children(n)[0] ?? n;
      if (n === node) return n;
      continue;
    }
    if (n.type === 'call_expression') {
      const callee = n.childForFieldName('function')?.text;
      const first = children(n.childForFieldName('arguments') ?? n)[0];
      if ((callee === 'fp' || callee === 'fastifyPlugin') && first) {
        n = first;
        continue;
      }
    }
    return n;
  }
}

function readDeclarator(node: Node, ctx: JsContext): void {
  const nameNode = node.childForFieldName('name');
  const raw = node.childForFieldName('value');
  if (!nameNode || !raw) return;
  const value = unwrapPluginWrapper(raw);
  const facts = ctx.facts;
  const topLevel = ctx.scope.id === '';
  if (nameNode.type === 'object_pattern') return readRequirePattern(nameNode, value, facts);
  if (nameNode.type !== 'identifier') return visit(value, ctx);
  const name = nameNode.text;
  const required = requireSpec(value);
  if (required !== undefined) {
    facts.imports[name] = { spec: required, name: 'default' };
    return;
  }
  const framework = routerFactoryFramework(value, facts);
  if (framework) {
    const id = routerIdIn(ctx.scope, name);
    ctx.scope.routers.set(name, id);
    facts.routers.push({ id, framework, prefix: '', line: line(node) });
  }
  if (value.type === 'new_expression') {
    const cls = value.childForFieldName('constructor')?.text;
    if (cls && topLevel) facts.instances[name] = cls;
  }
  if (topLevel && FUNCTION_TYPES.has(value.type)) facts.decls[name] ??= line(node);
  if (topLevel && value.type === 'object') readObjectDecls(name, value, facts);
  if (FUNCTION_TYPES.has(value.type)) return visitFunction(value, ctx, name);
  visit(value, ctx);
}

function readRequirePattern(pattern: Node, value: Node, facts: RouteFacts): void {
  const spec = requireSpec(value);
  if (spec === undefined) return;
  for (const p of children(pattern)) {
    if (p.type === 'shorthand_property_identifier_pattern') facts.imports[p.text] = { spec, name: p.text };
    else if (p.type === 'pair_pattern') {
      const key = p.childForFieldName('key')?.text;
      const local = p.childForFieldName('value');
      if (key && local?.type === 'identifier') facts.imports[local.text] = { spec, name: key };
    }
  }
}

/** `require('./x')` → `./x`. */
export function requireSpec(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'call_expression' || node.childForFieldName('function')?.text !== 'require') return undefined;
  return stringValue(children(node.childForFieldName('arguments') ?? node)[0]);
}

/** Methods of an object literal: `export const orders = { list(req, res) {…}, get: async () => … }`. */
function readObjectDecls(name: string, obj: Node, facts: RouteFacts): void {
  for (const member of children(obj)) {
    if (member.type === 'method_definition') {
      const key = member.childForFieldName('name')?.text;
      if (key) facts.decls[`${name}.${key}`] = line(member);
    } else if (member.type === 'pair') {
      const key = member.childForFieldName('key')?.text;
      const v = member.childForFieldName('value');
      if (key && v && FUNCTION_TYPES.has(v.type)) facts.decls[`${name}.${key}`] = line(member);
    }
  }
}

/** `module.exports = …` / `exports.x = …`; true when it visited the assigned function itself. */
function readCommonJsExport(node: Node, ctx: JsContext): boolean {
  const facts = ctx.facts;
  const left = dottedName(node.childForFieldName('left'));
  const right = node.childForFieldName('right');
  if (!left || !right) return false;
  const path = left[0] === 'module' ? left.slice(1) : left;
  if (path[0] !== 'exports') return false;
  const value = unwrapPluginWrapper(right);
  const exported = path.length === 1 ? 'default' : path[1]!;
  if (value.type === 'identifier') facts.exports[exported] = value.text;
  else if (FUNCTION_TYPES.has(value.type)) facts.exports[exported] = functionId(value, exported);
  if (path.length === 1 && value.type === 'object') {
    for (const member of children(value)) {
      if (member.type === 'shorthand_property_identifier') facts.exports[member.text] = member.text;
      else if (member.type === 'pair' && member.childForFieldName('value')?.type === 'identifier') {
        const key = member.childForFieldName('key')?.text;
        if (key) facts.exports[key] = member.childForFieldName('value')!.text;
      }
    }
  }
  if (!FUNCTION_TYPES.has(value.type)) return false;
  visitValue(right, ctx, exported);
  return true;
}

function readClass(node: Node, ctx: JsContext): void {
  const name = node.childForFieldName('name')?.text;
  const body = node.childForFieldName('body');
  if (!name || !body) return;
  if (ctx.scope.id === '') ctx.facts.decls[name] ??= line(node);
  for (const m of children(body)) {
    const key = m.childForFieldName('name')?.text;
    if (!key) continue;
    if (m.type === 'method_definition') ctx.facts.decls[`${name}.${key}`] = line(m);
    else if (m.type === 'public_field_definition' || m.type === 'field_definition') {
      const v = m.childForFieldName('value');
      if (v && FUNCTION_TYPES.has(v.type)) ctx.facts.decls[`${name}.${key}`] = line(m);
    }
  }
  readNestClass(node, name, ctx.facts);
}

function readCall(node: Node, ctx: JsContext): void {
  readExpressOrFastifyCall(node, ctx) || readGrpcJsCall(node, ctx) || readNestGlobalPrefix(node, ctx.facts);
}

/**
 * The router a receiver expression names: a router variable or plugin parameter in scope, else the
 * name itself (it may be imported: `import { app } from './app'`).
 */
export function receiverRef(receiver: Node, ctx: JsContext): NameRef | null {
  const names = dottedName(receiver);
  if (!names || names[0] === 'this') return null;
  if (names.length === 1) {
    const found = lookupReceiver(ctx.scope, names[0]!);
    if (found?.param && !ctx.facts.routers.some((r) => r.id === found.id)) {
      ctx.facts.routers.push({ id: found.id, framework: null, prefix: '', line: line(receiver) });
    }
    if (found) return { names: [found.id] };
  }
  return { names };
}

/** A handler argument: a name, `ctrl.get.bind(ctrl)`, `asyncHandler(fn)`, or an inline function. */
export function handlerRef(node: Node | undefined, ctx: JsContext): HandlerRef | null {
  if (!node) return null;
  const n = unwrapPluginWrapper(node);
  if (FUNCTION_TYPES.has(n.type)) {
    // A method in an options object (`{ handler(req) {…} }`) is as anonymous as an arrow.
    const name = n.type === 'method_definition' ? null : (n.childForFieldName('name')?.text ?? null);
    return { kind: 'here', name, line: line(n) };
  }
  const names = dottedName(n);
  if (names) return names[0] === 'this' ? null : { kind: 'ref', ref: { names } };
  if (n.type === 'call_expression') {
    const callee = dottedName(n.childForFieldName('function'));
    if (callee && callee[callee.length - 1] === 'bind' && callee.length > 1) {
      return { kind: 'ref', ref: { names: callee.slice(0, -1) } };
    }
    const args = children(n.childForFieldName('arguments') ?? n);
    return handlerRef(args[args.length - 1], ctx);
  }
  return null;
}

/** Which framework a file's plugin-parameter routers belong to, from what the file imports. */
function frameworkHint(facts: RouteFacts): 'express' | 'fastify' | null {
  const specs = Object.values(facts.imports).map((i) => i.spec);
  if (specs.some((s) => s === 'fastify' || s === 'fastify-plugin' || s.startsWith('@fastify/'))) return 'fastify';
  if (specs.some((s) => s === 'express')) return 'express';
  return null;
}
