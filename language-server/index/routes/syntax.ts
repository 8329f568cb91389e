/**
 * Small helpers over tree-sitter nodes shared by the framework readers: literal strings in each
 * grammar, children without the nulls web-tree-sitter's typings allow, and dotted names.
 */
import type { Node } from 'web-tree-sitter';

export function children(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

export function line(node: Node): number {
  return node.startPosition.row;
}

const STRING_TYPES: ReadonlySet<string> = new Set([
  'string', // TS/JS, Python
  'template_string', // TS/JS, only without substitutions
  'interpreted_string_literal', // Go
  'raw_string_literal', // Go
  'string_literal', // Java
]);

/**
 * The value of a string literal, or undefined when the node is not one (or is an f-string or a
 * template with substitutions, whose value the source does not fix).
 */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node || !STRING_TYPES.has(node.type)) return undefined;
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  let out = '';
  for (const c of children(node)) {
    switch (c.type) {
      case 'string_fragment':
      case 'string_content':
      case 'interpreted_string_literal_content':
        out += c.text;
        break;
      case 'escape_sequence':
        out += c.text.length === 2 ? c.text[1] : c.text;
        break;
      case 'string_start':
      case 'string_end':
        if (/^[a-zA-Z]*f/i.test(c.text)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  return out;
}

/** All string values of a list literal (`['GET', 'POST']`, `{"/a", "/b"}`), or of one string. */
export function stringValues(node: Node | null | undefined): string[] {
  if (!node) return [];
  const one = stringValue(node);
  if (one !== undefined) return [one];
  return children(node)
    .map((c) => stringValue(c))
    .filter((s): s is string => s !== undefined);
}

/**
 * A dotted name as a list (`orders.router` → `['orders', 'router']`, `this.x` → undefined), for
 * identifiers and member/attribute/selector chains in every grammar.
 */
export function dottedName(node: Node | null | undefined): string[] | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'identifier':
    case 'property_identifier':
    case 'type_identifier':
    case 'field_identifier':
    case 'package_identifier':
    case 'shorthand_property_identifier':
      return [node.text];
    case 'member_expression':
    case 'attribute':
    case 'selector_expression':
    case 'field_access':
    case 'scoped_type_identifier':
    case 'qualified_type':
    case 'scoped_identifier': {
      const kids = children(node);
      const head = dottedName(kids[0]);
      const tail = kids[kids.length - 1];
      if (!head || !tail || kids.length < 2) return undefined;
      return [...head, tail.text];
    }
    default:
      return undefined;
  }
}

/** The keyword argument `name=` of a Python call's argument list. */
export function pyKeyword(args: Node | null, name: string): Node | undefined {
  if (!args) return undefined;
  for (const a of children(args)) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) {
      return a.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** Positional (non-keyword, non-comment) arguments of a call. */
export function positional(args: Node | null): Node[] {
  if (!args) return [];
  return children(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment');
}
