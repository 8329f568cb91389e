/**
 * Prodlens's function instrumentation for TypeScript and JavaScript, on `@opentelemetry/api` only:
 * `traced(fn)` and the `@traced()` method decorator. Spans go to whatever SDK the application
 * registers (e.g. `@opentelemetry/sdk-node`); without one they cost next to nothing.
 */
export { traced, type TracedOptions } from './traced';
