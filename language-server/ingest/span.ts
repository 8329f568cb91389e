/**
 * Spans and exception records as the language server uses them: decoded once from the collector's
 * OTLP batches, flattened, and validated (the collector already checked structure).
 */

export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

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
