/**
 * Reads one Python file into route facts: imports, top-level and class declarations (for handler
 * lines), and what the Flask, FastAPI, Django and gRPC readers recognise. Application factories
 * (`def create_app(): app = Flask(__name__) …`) are common, so calls are read at any depth.
 */
import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../types';
import { readDjangoPatterns } from './django';
import { emptyFacts, type RouteFacts } from './facts';
import { readFastApiCall, readFastApiRouter } from './fastapi';
import { readFlaskCall, readFlaskRouter } from './flask';
import { readPythonServicer } from './grpc';
import { asHttpMethod } from './normalize';
import { children, dottedName, line, positional, pyKeyword, stringValue, stringValues } from './syntax';

export function pythonFacts(file: string, root: Node): RouteFacts {
  const facts = emptyFacts(file, 'python');
  for (const stmt of children(root)) readStatement(stmt, facts, true);
  return facts;
}

function readStatement(stmt: Node, facts: RouteFacts, topLevel: boolean): void {
  switch (stmt.type) {
    case 'import_statement':
    case 'import_from_statement':
      return readImport(stmt, facts);
    case 'decorated_definition':
      return readDecorated(stmt, facts, topLevel);
    case 'function_definition':
      return readFunction(stmt, facts, topLevel);
    case 'class_definition':
      return readClass(stmt, facts, topLevel);
    case 'expression_statement':
      return readExpression(stmt, facts);
  }
  for (const c of children(stmt)) readStatement(c, facts, false);
}

function readImport(stmt: Node, facts: RouteFacts): void {
  const from = stmt.childForFieldName('module_name');
  for (const n of stmt.childrenForFieldName('name')) {
    if (!n) continue;
    const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
    const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
    if (!dotted) continue;
    if (from) facts.imports[alias ?? dotted.text] = { spec: from.text, name: dotted.text };
    else if (alias) facts.imports[alias] = { spec: dotted.text, name: '*' };
    else {
      // `import app.routers.orders` binds `app`; the rest is reached attribute by attribute.
      const head = dotted.text.split('.')[0]!;
      facts.imports[head] = { spec: head, name: '*' };
    }
  }
}

function readFunction(fn: Node, facts: RouteFacts, topLevel: boolean): void {
  const name = fn.childForFieldName('name')?.text;
  if (name && topLevel) facts.decls[name] ??= line(fn);
  for (const c of children(fn.childForFieldName('body') ?? fn)) readStatement(c, facts, false);
}

function readClass(cls: Node, facts: RouteFacts, topLevel: boolean): void {
  const name = cls.childForFieldName('name')?.text;
  const body = cls.childForFieldName('body');
  if (!name || !body) return;
  if (topLevel) facts.decls[name] ??= line(cls);
  for (const stmt of children(body)) {
    const fn = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const method = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
    if (fn && method && topLevel) facts.decls[`${name}.${method}`] = line(fn);
  }
  readPythonServicer(cls, name, facts);
}

function readDecorated(stmt: Node, facts: RouteFacts, topLevel: boolean): void {
  const def = stmt.childForFieldName('definition');
  if (!def) return;
  if (def.type === 'class_definition') return readClass(def, facts, topLevel);
  readFunction(def, facts, topLevel);
  const name = def.childForFieldName('name')?.text;
  if (!name) return;
  for (const d of children(stmt).filter((c) => c.type === 'decorator')) readRouteDecorator(d, name, line(def), facts);
}

/** `@app.route('/x', methods=[…])`, `@bp.get('/x')`, `@router.post('/x')`, `@app.api_route('/x', methods=[…])`. */
function readRouteDecorator(decorator: Node, fnName: string, fnLine: number, facts: RouteFacts): void {
  const call = children(decorator)[0];
  if (call?.type !== 'call') return;
  const callee = dottedName(call.childForFieldName('function'));
  const args = call.childForFieldName('arguments');
  const verb = callee?.[callee.length - 1];
  if (!callee || callee.length < 2 || !verb) return;
  const path = stringValue(positional(args)[0] ?? pyKeyword(args, 'rule') ?? pyKeyword(args, 'path'));
  if (path === undefined) return;
  let methods: HttpMethod[] = knownMethods([verb]).filter((m) => m !== '*');
  if (verb === 'route' || verb === 'api_route') {
    const listed = pyKeyword(args, 'methods');
    methods = listed ? knownMethods(stringValues(listed)) : [verb === 'route' ? 'GET' : '*'];
  }
  if (methods.length === 0) return;
  facts.registrations.push({
    router: { names: callee.slice(0, -1) },
    framework: null,
    methods,
    path,
    handler: { kind: 'here', name: fnName, line: fnLine },
    line: line(decorator),
  });
}

export function knownMethods(names: string[]): HttpMethod[] {
  return names.map((m) => asHttpMethod(m)).filter((m): m is HttpMethod => m !== undefined);
}

function readExpression(stmt: Node, facts: RouteFacts): void {
  const expr = children(stmt)[0];
  if (!expr) return;
  if (expr.type === 'assignment' || expr.type === 'augmented_assignment') {
    const left = expr.childForFieldName('left');
    const right = expr.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) return;
    if (left.text === 'urlpatterns') return readDjangoPatterns(right, facts);
    if (right.type === 'call') readFlaskRouter(left.text, right, facts) || readFastApiRouter(left.text, right, facts);
    return;
  }
  if (expr.type === 'call') readFlaskCall(expr, facts) || readFastApiCall(expr, facts);
}
