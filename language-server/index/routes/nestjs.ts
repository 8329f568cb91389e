/**
 * NestJS: `@Controller('orders')` on a class and `@Get(':id')` on its methods, plus the global prefix
 * from `app.setGlobalPrefix('api')` (applied to every controller when files are joined).
 */
import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../types';
import type { RouteFacts } from './facts';
import { objectProperty } from './express';
import { asHttpMethod } from './normalize';
import { children, dottedName, line, stringValue, stringValues } from './syntax';

const METHOD_DECORATORS: ReadonlySet<string> = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'Options', 'All']);

interface Decorator {
  name: string;
  args: Node[];
}

function decorator(node: Node): Decorator | undefined {
  const expr = children(node)[0];
  if (!expr) return undefined;
  const callee = expr.type === 'call_expression' ? expr.childForFieldName('function') : expr;
  const names = dottedName(callee);
  const name = names?.[names.length - 1];
  if (!name) return undefined;
  const args = expr.type === 'call_expression' ? children(expr.childForFieldName('arguments') ?? expr) : [];
  return { name, args };
}

/** Decorators on a class: its own children, or the `export` statement's when the class is exported. */
function classDecorators(cls: Node): Decorator[] {
  const own = children(cls).filter((c) => c.type === 'decorator');
  const parent = cls.parent;
  const outer = parent?.type === 'export_statement' ? children(parent).filter((c) => c.type === 'decorator') : [];
  return [...outer, ...own].map(decorator).filter((d): d is Decorator => d !== undefined);
}

/** `'orders'`, `['orders', 'v1/orders']`, or `{ path: 'orders' }`: every path a decorator gives. */
function decoratorPaths(d: Decorator): string[] {
  const first = d.args[0];
  if (!first) return [''];
  if (first.type === 'object') {
    const path = objectProperty(first, 'path');
    return path ? stringValues(path) : [''];
  }
  const paths = first.type === 'array' ? stringValues(first) : [stringValue(first)].filter((s): s is string => s !== undefined);
  return paths.length ? paths : [''];
}

export function readNestClass(cls: Node, className: string, facts: RouteFacts): void {
  const controller = classDecorators(cls).find((d) => d.name === 'Controller');
  const body = cls.childForFieldName('body');
  if (!controller || !body) return;
  const prefixes = decoratorPaths(controller);
  // Method decorators come as siblings just before the method they decorate.
  let pending: Decorator[] = [];
  for (const member of children(body)) {
    if (member.type === 'decorator') {
      const d = decorator(member);
      if (d) pending.push(d);
      continue;
    }
    if (member.type === 'method_definition') {
      const nameNode = member.childForFieldName('name');
      const inner = children(member).filter((c) => c.type === 'decorator').map(decorator);
      for (const d of [...pending, ...inner]) {
        if (!d || !METHOD_DECORATORS.has(d.name) || !nameNode) continue;
        const method: HttpMethod = asHttpMethod(d.name) ?? '*';
        for (const prefix of prefixes) {
          for (const path of decoratorPaths(d)) {
            facts.registrations.push({
              router: null,
              framework: 'nestjs',
              methods: [method],
              path: nestPath(prefix, path),
              handler: { kind: 'here', name: `${className}.${nameNode.text}`, line: line(nameNode) },
              line: line(member),
            });
          }
        }
      }
    }
    if (member.type !== 'comment') pending = [];
  }
}

/** Nest joins controller and method paths with one slash and always starts at the root. */
function nestPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  return '/' + parts.join('/');
}

export function readNestGlobalPrefix(node: Node, facts: RouteFacts): boolean {
  const callee = dottedName(node.childForFieldName('function'));
  if (callee?.[callee.length - 1] !== 'setGlobalPrefix') return false;
  const prefix = stringValue(children(node.childForFieldName('arguments') ?? node)[0]);
  if (prefix === undefined) return false;
  facts.globalPrefix = prefix;
  return true;
}
