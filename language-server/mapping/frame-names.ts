/**
 * Turns a function name as a runtime prints it into the names the workspace index may know it by,
 * most specific first (reference §1.4 "Normalization before symbol lookup"). Line numbers find the
 * function when there are any; these names are the fallback and the cross-check.
 */
import type { StackRuntime } from './types';

const V8_DECORATIONS = /^(?:async |new )+| \[as [^\]]+\]$/g;
const PYTHON_SYNTHETIC = /^<(?:module|lambda|listcomp|dictcomp|setcomp|genexpr)>$/;
const JAVA_LAMBDA = /\blambda\$([\w]+)\$\d+$/;
const JAVA_ANONYMOUS_CLASS = /\$\d+(?=[.$]|$)/g;
const GO_CLOSURE = /(?:\.(?:func|gowrap)\d+)+$/;
const GO_TYPE_ARGS = /\[[^\]]*\]/g;
const DOTNET_STATE_MACHINE = /\.<([^>]+)>d__\d+\.MoveNext$/;
const DOTNET_LAMBDA = /(?:\.<>c(?:__DisplayClass[\d_]+)?)?\.<([^>]+)>[bg]__[^.]*$/;
const DOTNET_GENERICS = /`\d+|\[[^\]]*\]/g;
const RUBY_BLOCK = /^(?:(?:block|rescue|ensure)(?: \(\d+ levels\))? in )+/;
/** After the last `/`, a Go symbol starts `pkg.` followed by a name or a `(*T)` receiver. */
const GO_SYMBOL_TAIL = /\.\(?\*?\w/;
const GO_RECEIVER_METHOD = /^\(\*?(\w+)\)\.(\w+)$/;

export function lookupNames(runtime: StackRuntime, fn: string): string[] {
  switch (runtime) {
    case 'v8':
      return v8Names(fn);
    case 'python':
      return fn === '' || PYTHON_SYNTHETIC.test(fn) ? [] : [fn];
    case 'java':
      return javaNames(fn);
    case 'go':
      return goNames(fn);
    case 'dotnet':
      return dotnetNames(fn);
    case 'ruby':
      return rubyNames(fn);
  }
}

/** Names for a `code.function.name` (or a namespace-joined legacy pair) whose runtime is unknown. */
export function attributeNames(fn: string): string[] {
  if (fn.includes('$')) return withOriginal(fn, javaNames(fn));
  if (fn.includes('/') && GO_SYMBOL_TAIL.test(fn.slice(fn.lastIndexOf('/')))) return withOriginal(fn, goNames(fn));
  if (fn.includes('#')) return withOriginal(fn, rubyNames(fn));
  return [fn];
}

function withOriginal(fn: string, names: string[]): string[] {
  return names.includes(fn) ? names : [...names, fn];
}

function v8Names(fn: string): string[] {
  const name = fn.replace(V8_DECORATIONS, '');
  if (name === '' || name.includes('<anonymous>')) return [];
  return [name];
}

function javaNames(fn: string): string[] {
  if (fn.includes('$$Lambda')) return [];
  let name = fn.replace(JAVA_LAMBDA, '$1');
  name = name.replace(JAVA_ANONYMOUS_CLASS, '').replaceAll('$', '.');
  if (name.endsWith('.<clinit>')) return [];
  if (name.endsWith('.<init>')) {
    // Indexes name constructors either way: `Order.<init>` (JVM style) or `Order.Order` (source style).
    const cls = name.slice(0, -'.<init>'.length);
    return [name, `${cls}.${cls.slice(cls.lastIndexOf('.') + 1)}`];
  }
  return [name];
}

/** `github.com/acme/shop/orders.(*OrderService).Place.func1` → `(*OrderService).Place`, `OrderService.Place`. */
function goNames(fn: string): string[] {
  const local = fn.slice(fn.lastIndexOf('/') + 1).replace(GO_TYPE_ARGS, '').replace(GO_CLOSURE, '');
  const dot = local.indexOf('.');
  if (dot < 0) return [local];
  const member = local.slice(dot + 1);
  const names = [member];
  const receiver = GO_RECEIVER_METHOD.exec(member);
  if (receiver) names.push(`${receiver[1]}.${receiver[2]}`);
  return names;
}

function dotnetNames(fn: string): string[] {
  let name = fn.replace(DOTNET_GENERICS, '');
  name = name.replace(DOTNET_STATE_MACHINE, '.$1').replace(DOTNET_LAMBDA, '.$1');
  return name === '' ? [] : [name];
}

function rubyNames(fn: string): string[] {
  const name = fn.replace(RUBY_BLOCK, '');
  if (name === '' || name.startsWith('<')) return [];
  const dotted = name.replace('#', '.');
  return dotted === name ? [name] : [dotted, name];
}
