/**
 * FastAPI: `FastAPI()` and `APIRouter(prefix=…)` objects, `include_router(router, prefix=…)` (joined
 * with the router's own prefix, as FastAPI does) and `add_api_route(path, endpoint, methods=…)`.
 * Route decorators are read in `python-facts.ts`, shared with Flask.
 */
import type { Node } from 'web-tree-sitter';
import type { RouteFacts } from './facts';
import { knownMethods } from './python-facts';
import { dottedName, line, positional, pyKeyword, stringValue, stringValues } from './syntax';

export function readFastApiRouter(variable: string, call: Node, facts: RouteFacts): boolean {
  const callee = dottedName(call.childForFieldName('function'));
  const kind = callee?.[callee.length - 1];
  if (kind !== 'FastAPI' && kind !== 'APIRouter') return false;
  const prefix = stringValue(pyKeyword(call.childForFieldName('arguments'), kind === 'APIRouter' ? 'prefix' : 'root_path_in_routes'));
  facts.routers.push({ id: variable, framework: 'fastapi', prefix: prefix ?? '', line: line(call) });
  return true;
}

export function readFastApiCall(call: Node, facts: RouteFacts): boolean {
  const callee = dottedName(call.childForFieldName('function'));
  const method = callee?.[callee.length - 1];
  if (!callee || callee.length < 2) return false;
  const parent = { names: callee.slice(0, -1) };
  const args = call.childForFieldName('arguments');
  if (method === 'include_router') {
    const child = dottedName(positional(args)[0] ?? pyKeyword(args, 'router'));
    if (!child) return false;
    const prefix = stringValue(pyKeyword(args, 'prefix')) ?? '';
    facts.mounts.push({ parent, child: { names: child }, prefix, kind: 'include_router', line: line(call), handlerIfNotRouter: false });
    return true;
  }
  if (method === 'add_api_route') {
    const path = stringValue(positional(args)[0] ?? pyKeyword(args, 'path'));
    const endpoint = dottedName(positional(args)[1] ?? pyKeyword(args, 'endpoint'));
    if (path === undefined) return false;
    const listed = pyKeyword(args, 'methods');
    facts.registrations.push({
      router: parent,
      framework: null,
      methods: listed ? knownMethods(stringValues(listed)) : ['GET'],
      path,
      handler: endpoint ? { kind: 'ref', ref: { names: endpoint } } : null,
      line: line(call),
    });
    return true;
  }
  return false;
}
