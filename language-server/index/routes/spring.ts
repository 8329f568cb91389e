/**
 * Java: Spring MVC/WebFlux `@RequestMapping` on the class joined with `@GetMapping`/`@PostMapping`/…/
 * `@RequestMapping(method = …)` on its methods (Spring reports `/orders/{id}`), functional endpoints
 * (`./spring-functional`), plus gRPC `XImplBase` subclasses. Handler names are fully qualified: `com.shop.orders.OrderController.get`.
 */
import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../types';
import { emptyFacts, type RouteFacts } from './facts';
import { readJavaImplBase, readJavaServiceName } from './grpc';
import { asHttpMethod, joinPaths } from './normalize';
import { mayHaveFunctionalRoutes, readFunctionalRoutes } from './spring-functional';
import { children, line, stringValues } from './syntax';

const MAPPINGS: Readonly<Record<string, HttpMethod | null>> = {
  GetMapping: 'GET',
  PostMapping: 'POST',
  PutMapping: 'PUT',
  PatchMapping: 'PATCH',
  DeleteMapping: 'DELETE',
  RequestMapping: null,
};

interface Mapping {
  paths: string[];
  methods: HttpMethod[];
}

export function javaFacts(file: string, root: Node, source?: string): RouteFacts {
  const facts = emptyFacts(file, 'java');
  const pkg = children(root).find((c) => c.type === 'package_declaration');
  const pkgName = pkg ? children(pkg).find((c) => c.type === 'scoped_identifier' || c.type === 'identifier')?.text : undefined;
  for (const c of children(root)) readType(c, pkgName ? pkgName + '.' : '', facts);
  if (source === undefined || mayHaveFunctionalRoutes(source)) readFunctionalRoutes(root, pkgName ? pkgName + '.' : '', facts);
  return facts;
}

function readType(node: Node, outer: string, facts: RouteFacts): void {
  if (node.type !== 'class_declaration' && node.type !== 'interface_declaration') return;
  const name = node.childForFieldName('name')?.text;
  const body = node.childForFieldName('body');
  if (!name || !body) return;
  const qualified = outer + name;
  facts.decls[qualified] = line(node);
  const classMapping = mappingOf(node);
  for (const m of children(body)) {
    if (m.type === 'field_declaration') readJavaServiceName(m, facts);
    readType(m, qualified + '.', facts);
    const nameNode = m.type === 'method_declaration' ? m.childForFieldName('name') : null;
    if (!nameNode) continue;
    facts.decls[`${qualified}.${nameNode.text}`] = line(nameNode);
    const mapping = mappingOf(m);
    if (mapping) pushMappings(classMapping, mapping, `${qualified}.${nameNode.text}`, line(nameNode), line(m), facts);
  }
  readJavaImplBase(node, qualified, facts);
}

function pushMappings(cls: Mapping | undefined, method: Mapping, handler: string, handlerLine: number, at: number, facts: RouteFacts): void {
  const methods = method.methods.length ? method.methods : cls?.methods.length ? cls.methods : ['*' as const];
  for (const prefix of cls?.paths ?? ['']) {
    for (const path of method.paths) {
      const joined = joinPaths(prefix, path);
      facts.registrations.push({
        router: null,
        framework: 'spring',
        methods,
        path: joined.startsWith('/') ? joined : '/' + joined,
        handler: { kind: 'here', name: handler, line: handlerLine },
        line: at,
      });
    }
  }
}

/** The first Spring mapping annotation among a declaration's modifiers. */
function mappingOf(decl: Node): Mapping | undefined {
  const modifiers = children(decl).find((c) => c.type === 'modifiers');
  for (const a of children(modifiers ?? decl)) {
    if (a.type !== 'annotation' && a.type !== 'marker_annotation') continue;
    const name = a.childForFieldName('name')?.text.split('.').pop() ?? '';
    if (!(name in MAPPINGS)) continue;
    const fixed = MAPPINGS[name];
    const mapping: Mapping = { paths: [''], methods: fixed ? [fixed] : [] };
    for (const arg of children(a.childForFieldName('arguments') ?? a)) {
      if (arg.type === 'element_value_pair') {
        const key = arg.childForFieldName('key')?.text;
        const value = arg.childForFieldName('value');
        if ((key === 'value' || key === 'path') && value) mapping.paths = nonEmpty(stringValues(value));
        if (key === 'method' && value) mapping.methods = requestMethods(value);
      } else if (arg.type !== 'comment' && a.childForFieldName('arguments')) {
        mapping.paths = nonEmpty(stringValues(arg));
      }
    }
    return mapping;
  }
  return undefined;
}

function nonEmpty(paths: string[]): string[] {
  return paths.length ? paths : [''];
}

/** `RequestMethod.GET` or `{RequestMethod.GET, RequestMethod.POST}`. */
function requestMethods(value: Node): HttpMethod[] {
  const items = value.type === 'element_value_array_initializer' ? children(value) : [value];
  return items
    .map((i) => asHttpMethod(i.text.split('.').pop() ?? ''))
    .filter((m): m is HttpMethod => m !== undefined && m !== '*');
}
