/**
 * `traced(fn)` and `@traced()`: one span per call of a function, named after it and carrying where
 * it is defined (`code.function.name`, `code.file.path`, `code.line.number`), so Prodlens (or any
 * backend that reads the code.* conventions) can put the numbers above the right function.
 * Exceptions are recorded on the span and rethrown; `this` and the return value pass through; with
 * no OpenTelemetry SDK registered a call costs one provider check on top of the plain call.
 */
import { ProxyTracerProvider, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { definitionSite, nodeSourceReader, refineToDefinition, type DefinitionSite } from './definition-site';

export interface TracedOptions {
  /** The span name and `code.function.name` (default: the function's own name, `Class.method` for methods). */
  name?: string;
  /** Extra attributes put on every span of this function. */
  attributes?: Attributes;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

const TRACER_NAME = '@prodlens/instrument';
const TRACER_VERSION = '0.1.0';
const readSource = nodeSourceReader();
/** The api's no-op provider: what a fresh proxy delegates to while no SDK is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** True when no SDK is registered, so a call can skip every span-related step. */
function noSdk(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_PROVIDER;
}

/** Wraps `fn` so that each call records a span. Call it where `fn` is defined. */
export function traced<F extends AnyFunction>(fn: F, options?: TracedOptions): F;
/** A method decorator (TypeScript 5 standard decorators or `experimentalDecorators`): spans named `Class.method`. */
export function traced(options?: TracedOptions): MethodDecorator & (<F extends AnyFunction>(value: F, context: ClassMethodDecoratorContext) => F);
export function traced(fnOrOptions?: AnyFunction | TracedOptions, options?: TracedOptions): unknown {
  if (typeof fnOrOptions === 'function') {
    const callSite = definitionSite(traced);
    const site = callSite && refineToDefinition(callSite, fnOrOptions, readSource);
    const name = options?.name ?? (fnOrOptions.name || 'anonymous');
    return wrap(fnOrOptions, () => name, codeAttributes(name, site, true, options?.attributes));
  }
  if (fnOrOptions !== undefined && (typeof fnOrOptions !== 'object' || fnOrOptions === null)) {
    throw new TypeError(`traced() takes a function or an options object, got ${fnOrOptions === null ? 'null' : typeof fnOrOptions}`);
  }
  // A decorator's call site is the class body, not the method; the method's line is recorded only
  // when its source text is found in the file, else the qualified name finds it there.
  return methodDecorator(fnOrOptions ?? {}, definitionSite(traced));
}

function methodDecorator(options: TracedOptions, site: DefinitionSite | undefined) {
  return function decorate(target: unknown, context: unknown, descriptor?: PropertyDescriptor): unknown {
    if (isStandardContext(context)) {
      if (context.kind !== 'method') throw new TypeError(`@traced() decorates methods, not a ${context.kind} (${String(context.name)})`);
      return standardMethod(target as AnyFunction, String(context.name), options, site);
    }
    if (descriptor && typeof descriptor.value === 'function' && (typeof context === 'string' || typeof context === 'symbol')) {
      const owner = typeof target === 'function' ? target.name : (target as { constructor: { name: string } }).constructor.name;
      const name = options.name ?? `${owner}.${String(context)}`;
      const [at, withLine] = methodSite(site, descriptor.value);
      descriptor.value = wrap(descriptor.value, () => name, codeAttributes(name, at, withLine, options.attributes));
      return descriptor;
    }
    throw new TypeError('@traced() decorates methods; use traced(fn) for functions');
  };
}

function isStandardContext(context: unknown): context is ClassMethodDecoratorContext | { kind: string; name: string | symbol } {
  return typeof context === 'object' && context !== null && 'kind' in context && 'name' in context;
}

/**
 * Standard decorators do not say which class they are in. The class is found on the first traced
 * call, as the object on `this`'s prototype chain that holds this very wrapper (the defining class,
 * not a subclass the instance belongs to).
 */
function standardMethod(method: AnyFunction, key: string, options: TracedOptions, site: DefinitionSite | undefined): AnyFunction {
  let name = options.name;
  let attributes: Attributes | undefined;
  const [at, withLine] = methodSite(site, method);
  const wrapper: AnyFunction = wrap(
    method,
    (self) => (name ??= `${ownerName(self, key, wrapper) ?? 'anonymous'}.${key}`),
    () => (attributes ??= codeAttributes(name!, at, withLine, options.attributes)),
  );
  return wrapper;
}

/** The method's own position when its text is found in the file; else the file alone. */
function methodSite(site: DefinitionSite | undefined, method: AnyFunction): [DefinitionSite | undefined, boolean] {
  if (!site) return [undefined, false];
  const refined = refineToDefinition(site, method, readSource);
  return [refined, refined !== site];
}

function ownerName(self: unknown, key: string, wrapper: AnyFunction): string | undefined {
  for (let o: unknown = self; o !== null && (typeof o === 'object' || typeof o === 'function'); o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, key) && (o as Record<string, unknown>)[key] === wrapper) {
      return typeof o === 'function' ? o.name : (o as { constructor?: { name?: string } }).constructor?.name;
    }
  }
  return undefined;
}

function codeAttributes(name: string, site: DefinitionSite | undefined, withLine: boolean, extra: Attributes | undefined): Attributes {
  const out: Attributes = { ...extra, 'code.function.name': name };
  if (site) {
    out['code.file.path'] = site.file;
    if (withLine) {
      out['code.line.number'] = site.line;
      out['code.column.number'] = site.column;
    }
  }
  return out;
}

function wrap<F extends AnyFunction>(fn: F, nameOf: (self: unknown) => string, attributes: Attributes | (() => Attributes)): F {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (noSdk()) return fn.apply(this, args);
    // The name first: a method's attributes are built from the name its first call resolves.
    const name = nameOf(this);
    const attrs = typeof attributes === 'function' ? attributes() : attributes;
    return trace.getTracer(TRACER_NAME, TRACER_VERSION).startActiveSpan(name, { attributes: attrs }, (span) => callInSpan(span, fn, this, args));
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  return wrapper as F;
}

function callInSpan(span: Span, fn: AnyFunction, self: unknown, args: unknown[]): unknown {
  let result: unknown;
  try {
    result = fn.apply(self, args);
  } catch (err) {
    fail(span, err);
    span.end();
    throw err;
  }
  if (!isThenable(result)) {
    span.end();
    return result;
  }
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (err: unknown) => {
      fail(span, err);
      span.end();
      throw err;
    },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function fail(span: Span, err: unknown): void {
  if (err instanceof Error) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  } else {
    span.recordException(String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
  }
}
