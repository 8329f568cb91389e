/**
 * Spans and exception records as the language server uses them: decoded once from the collector's
 * OTLP batches, flattened, and validated (the collector already checked structure).
 */

/**
 * Attribute values as decoded: OTLP ints stay numbers while exact (else decimal strings), arrays and
 * key-value lists arrive as compact JSON strings, bytes as base64. Keys come from telemetry and are
 * all own properties (even `__proto__`): test presence with `Object.hasOwn`, never `in` or
 * `.hasOwnProperty` (a span may carry an attribute named `hasOwnProperty`).
 */
export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

/** A span event other than `exception` (those become `exceptions`), for trace views. */
export interface SpanEvent {
  name: string;
  timeNs: bigint;
  attributes: Attributes;
}

export interface ExceptionInfo {
  type: string;
  message: string;
  stacktrace: string;
  /** A span event named `exception`, or an OTLP log record carrying `exception.*`. */
  source: 'event' | 'log';
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  durationNs: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: 0 | 1 | 2;
  statusMessage: string;
  service: string;
  /** `deployment.environment.name`, else `deployment.environment`, else ''. */
  environment: string;
  /** `service.version`, else `vcs.ref.head.revision`, else `deployment.id`, else ''. */
  version: string;
  /** `vcs.ref.head.revision` or `git.commit.sha` when present. */
  commit: string | null;
  resource: Attributes;
  attributes: Attributes;
  exceptions: ExceptionInfo[];
  /** Non-exception events, capped; absent when the span had none. */
  events?: SpanEvent[];
}

/** An OTLP log record that carries an exception for a span (semconv ≥ 1.40 exception signal). */
export interface LogException {
  traceId: string;
  spanId: string;
  timeNs: bigint;
  service: string;
  environment: string;
  version: string;
  exception: ExceptionInfo;
}

/** A span's duration in microseconds; 0 for a missing or negative one. */
export const durationUsOf = (s: Pick<SpanRecord, 'durationNs'>): number => (Number.isFinite(s.durationNs) && s.durationNs > 0 ? s.durationNs / 1000 : 0);

/** The same exception (type, message and stack), however it arrived: a span event or a log record. */
export const sameException = (a: ExceptionInfo, b: ExceptionInfo): boolean =>
  a.type === b.type && a.message === b.message && a.stacktrace === b.stacktrace;
