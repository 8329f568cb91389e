/**
 * Symbols of Java files, named `com.shop.OrderService.place` from the `package` declaration, as the
 * OpenTelemetry Java agent reports `code.namespace` + `code.function`. Constructors are `<init>`
 * like JVM frames; inner classes also get the JVM spelling `com.shop.Outer$Inner.run` as an alias.
 * Methods of anonymous and local classes, and lambdas (`lambda$place$0`), are left to their
 * enclosing method: their JVM names depend on compiler numbering that source does not show.
 */
import type { Node, Query } from 'web-tree-sitter';
import type { ExtractContext, ExtractedSymbol } from './extracted-symbol';
import { bodyHash, collectDefs, detach, nestDefs } from './symbol-scopes';

export const JAVA_QUERY = `
(class_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name) @def.class
(enum_declaration name: (identifier) @name) @def.class
(record_declaration name: (identifier) @name) @def.class
(annotation_type_declaration name: (identifier) @name) @def.class
(method_declaration name: (identifier) @name body: (block)) @def.method
(constructor_declaration name: (identifier) @name) @def.constructor
(compact_constructor_declaration name: (identifier) @name) @def.constructor
`;

export function extractJavaSymbols(query: Query, root: Node, source: string, ctx: ExtractContext): ExtractedSymbol[] {
  const pkg = packageOf(root);
  const out: ExtractedSymbol[] = [];
  for (const { def, scopes } of nestDefs(collectDefs(query, root))) {
    // A definition inside a method body belongs to an anonymous or local class.
    if (scopes.some((s) => s.kind !== 'class')) continue;
    const classes = scopes.map((s) => s.name);
    const name = def.kind === 'constructor' ? '<init>' : def.name;
    const prefix = pkg ? `${pkg}.` : '';
    const path = def.kind === 'class' ? [...classes, name] : classes;
    const member = def.kind === 'class' ? '' : `.${name}`;
    const qualifiedName = `${prefix}${path.join('.')}${member}`;
    const binary = `${prefix}${path.join('$')}${member}`;
    out.push({
      symbol: {
        file: ctx.file,
        language: ctx.language,
        kind: def.kind === 'scope' ? 'method' : def.kind,
        name: detach(name),
        qualifiedName: detach(qualifiedName),
        startLine: def.nameRow,
        endLine: def.endRow,
        bodyHash: bodyHash(source, def),
      },
      aliases: binary === qualifiedName ? [] : [detach(binary)],
    });
  }
  return out;
}

function packageOf(root: Node): string {
  const decl = root.namedChildren.find((c) => c?.type === 'package_declaration');
  const name = decl?.namedChildren.find((c) => c?.type === 'scoped_identifier' || c?.type === 'identifier');
  return name ? name.text.replace(/\s+/g, '') : '';
}
