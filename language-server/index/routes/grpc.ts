/**
 * gRPC service implementations, for `rpc.service`/`rpc.method`: grpc-js `server.addService(X.service,
 * impl)`, Go types embedding `UnimplementedXServer`, Java classes extending `XGrpc.XImplBase`, Python
 * classes extending `x_pb2_grpc.XServicer`. Generated stubs also give the fully-qualified service
 * name (`shop.OrderService`) when they are in the workspace.
 */
import type { Node } from 'web-tree-sitter';
import type { HandlerRef, RouteFacts } from './facts';
import { handlerRef, type JsContext } from './js-facts';
import { children, dottedName, line, stringValue } from './syntax';

export function grpcRoute(service: string, method: string): string {
  return `${service}/${method.charAt(0).toUpperCase()}${method.slice(1)}`;
}

function pushRpc(facts: RouteFacts, service: string, method: string, handler: HandlerRef | null, at: number): void {
  facts.registrations.push({ router: null, framework: 'grpc', methods: ['POST'], path: grpcRoute(service, method), handler, line: at });
}

/**
 * The service a grpc-js definition names: `proto.shop.OrderService.service` (proto-loader, the root
 * variable dropped) → `shop.OrderService`; `services.OrderServiceService` (grpc-tools) → `OrderService`.
 */
function jsServiceName(names: string[]): string | undefined {
  if (names[names.length - 1] === 'service' && names.length >= 2) {
    const path = names.slice(0, -1);
    return (path.length > 1 ? path.slice(1) : path).join('.');
  }
  const last = names[names.length - 1];
  return last?.endsWith('ServiceService') ? last.slice(0, -'Service'.length) : last;
}

export function readGrpcJsCall(node: Node, ctx: JsContext): boolean {
  const callee = dottedName(node.childForFieldName('function'));
  if (callee?.[callee.length - 1] !== 'addService') return false;
  const [def, impl] = children(node.childForFieldName('arguments') ?? node).filter((c) => c.type !== 'comment');
  const service = jsServiceName(dottedName(def) ?? []);
  if (!service || !impl) return false;
  const facts = ctx.facts;
  if (impl.type === 'object') {
    for (const m of children(impl)) {
      if (m.type === 'shorthand_property_identifier') pushRpc(facts, service, m.text, { kind: 'ref', ref: { names: [m.text] } }, line(m));
      else if (m.type === 'pair' || m.type === 'method_definition') {
        const key = (m.childForFieldName('key') ?? m.childForFieldName('name'))?.text.replace(/^['"]|['"]$/g, '');
        const value = m.type === 'pair' ? m.childForFieldName('value') : m;
        if (key) pushRpc(facts, service, key, handlerRef(value ?? undefined, ctx), line(m));
      }
    }
    return true;
  }
  // `addService(def, impl)` with `const impl = { … }` or `new Impl()` declared in this file.
  if (impl.type === 'identifier' || impl.type === 'new_expression') {
    const owner = impl.type === 'identifier' ? (facts.instances[impl.text] ?? impl.text) : impl.childForFieldName('constructor')?.text;
    for (const [qname, at] of Object.entries(facts.decls)) {
      if (!owner || !qname.startsWith(owner + '.')) continue;
      const method = qname.slice(owner.length + 1);
      if (method !== 'constructor') pushRpc(facts, service, method, { kind: 'here', name: qname, line: at }, at);
    }
    return true;
  }
  return false;
}

/** Python: `class OrderServicer(orders_pb2_grpc.OrderServiceServicer)` — every public method. */
export function readPythonServicer(cls: Node, className: string, facts: RouteFacts): void {
  const bases = children(cls.childForFieldName('superclasses') ?? cls).map((b) => dottedName(b));
  const base = bases.map((b) => b?.[b.length - 1]).find((n) => n?.endsWith('Servicer') && n !== 'Servicer');
  const body = cls.childForFieldName('body');
  if (!base || !body) return;
  const service = base.slice(0, -'Servicer'.length);
  for (const stmt of children(body)) {
    const fn = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const name = fn?.type === 'function_definition' ? fn.childForFieldName('name') : null;
    if (!fn || !name || name.text.startsWith('_')) continue;
    pushRpc(facts, service, name.text, { kind: 'here', name: `${className}.${name.text}`, line: line(name) }, line(fn));
  }
}

/** Java: `class OrderGrpcService extends OrderServiceGrpc.OrderServiceImplBase` — its public methods. */
export function readJavaImplBase(cls: Node, qualifiedClass: string, facts: RouteFacts): void {
  const superclass = cls.childForFieldName('superclass');
  const names = dottedName(children(superclass ?? cls)[0]);
  const base = names?.[names.length - 1];
  const body = cls.childForFieldName('body');
  if (!base?.endsWith('ImplBase') || !body) return;
  const service = base.slice(0, -'ImplBase'.length);
  for (const m of children(body)) {
    const name = m.type === 'method_declaration' ? m.childForFieldName('name') : null;
    if (!name) continue;
    const modifiers = children(m).find((c) => c.type === 'modifiers')?.text ?? '';
    if (/\b(private|static)\b/.test(modifiers)) continue;
    pushRpc(facts, service, name.text, { kind: 'here', name: `${qualifiedClass}.${name.text}`, line: line(name) }, line(m));
  }
}

/** Java generated stub: `public static final String SERVICE_NAME = "shop.OrderService";`. */
export function readJavaServiceName(field: Node, facts: RouteFacts): void {
  for (const d of children(field).filter((c) => c.type === 'variable_declarator')) {
    if (d.childForFieldName('name')?.text !== 'SERVICE_NAME') continue;
    const value = stringValue(d.childForFieldName('value'));
    if (value) facts.grpcServiceNames.push(value);
  }
}

/** Go: a struct embedding `pb.UnimplementedOrderServiceServer`; its methods are joined per package. */
export function readGoServerType(spec: Node, facts: RouteFacts): void {
  const name = spec.childForFieldName('name')?.text;
  const struct = spec.childForFieldName('type');
  if (!name || struct?.type !== 'struct_type') return;
  for (const field of struct.descendantsOfType('field_declaration')) {
    if (!field || field.childForFieldName('name')) continue;
    const type = field.childForFieldName('type');
    const names = dottedName(type?.type === 'pointer_type' ? children(type)[0] : type);
    const embedded = names?.[names.length - 1];
    const m = embedded ? /^Unimplemented(\w+)Server$/.exec(embedded) : null;
    if (m) facts.grpcTypes.push({ typeName: name, service: m[1]!, line: line(spec) });
  }
}

/** Go generated stub: `grpc.ServiceDesc{ServiceName: "shop.OrderService", …}`. */
export function readGoServiceName(element: Node, facts: RouteFacts): void {
  const [key, value] = children(element);
  if (key?.text !== 'ServiceName') return;
  const name = stringValue(value?.type === 'literal_element' ? children(value)[0] : value);
  if (name) facts.grpcServiceNames.push(name);
}
