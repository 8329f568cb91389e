/**
 * Flask: `Flask(__name__)` and `Blueprint(name, __name__, url_prefix=…)` objects,
 * `register_blueprint(bp, url_prefix=…)` (whose prefix replaces the blueprint's own, as Flask does),
 * and `add_url_rule(rule, view_func=…, methods=…)`. Route decorators are read in `python-facts.ts`,
 * shared with FastAPI.
 */
import type { Node } from 'web-tree-sitter';
import type { RouteFacts } from './facts';
import { pyViewRef } from './django';
import { knownMethods } from './python-facts';
import { dottedName, line, positional, pyKeyword, stringValue, stringValues } from './syntax';

export function readFlaskRouter(variable: string, call: Node, facts: RouteFacts): boolean {
  const callee = dottedName(call.childForFieldName('function'));
  const kind = callee?.[callee.length - 1];
  if (kind !== 'Flask' && kind !== 'Blueprint') return false;
  const prefix = kind === 'Blueprint' ? stringValue(pyKeyword(call.childForFieldName('arguments'), 'url_prefix')) : '';
  facts.routers.push({ id: variable, framework: 'flask', prefix: prefix ?? '', line: line(call) });
  return true;
}

export function readFlaskCall(call: Node, facts: RouteFacts): boolean {
  const callee = dottedName(call.childForFieldName('function'));
  const method = callee?.[callee.length - 1];
  if (!callee || callee.length < 2) return false;
  const parent = { names: callee.slice(0, -1) };
  const args = call.childForFieldName('arguments');
  if (method === 'register_blueprint') {
    const child = dottedName(positional(args)[0] ?? pyKeyword(args, 'blueprint'));
    if (!child) return false;
    const prefix = stringValue(pyKeyword(args, 'url_prefix'));
    facts.mounts.push({ parent, child: { names: child }, prefix: prefix ?? null, kind: 'blueprint', line: line(call), handlerIfNotRouter: false });
    return true;
  }
  if (method === 'add_url_rule') {
    const rule = stringValue(positional(args)[0] ?? pyKeyword(args, 'rule'));
    const view = pyKeyword(args, 'view_func') ?? positional(args)[2];
    if (rule === undefined) return false;
    const listed = pyKeyword(args, 'methods');
    facts.registrations.push({
      router: parent,
      framework: null,
      // A class-based view answers whatever methods it defines, so without `methods=` it is `*`.
      methods: listed ? knownMethods(stringValues(listed)) : [view?.type === 'call' ? '*' : 'GET'],
      path: rule,
      handler: view ? pyViewRef(view) : null,
      line: line(call),
    });
    return true;
  }
  return false;
}
