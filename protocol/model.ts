/**
 * Wire types shared by the language server, the CLI, the extension and the webviews.
 * Timestamps that need nanosecond precision travel as decimal strings; display times as ISO strings.
 */

/** How a span or an error was tied to a function, best first (DESIGN.md "Mapping a span to code"). */
export type MappedBy =
  | 'code.function.name'
  | 'code.function'
  | 'code.file.path'
  | 'code.stacktrace'
  | 'dd.code_origin'
  | 'framework'
  | 'http.route'
  | 'rpc.method'
  | 'span.name'
  | 'exception.stacktrace';

/** Why telemetry found no function. */
export type UnmappedReason =
  | 'no-code-signal'
  | 'file-not-in-workspace'
  | 'symbol-not-found'
  | 'route-not-found'
  | 'ambiguous';

export interface LatencySummary {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** One function's production numbers over a window: what a code lens shows. */
export interface FunctionStats extends LatencySummary {
  /** Workspace-relative path with forward slashes. */
  file: string;
  /** Qualified name in the language's own style, e.g. `OrderService.place`. */
  symbol: string;
  /** 1-based line of the function's declaration in the workspace. */
  line: number;
  requests: number;
  errors: number;
  /** Errors whose innermost in-app stack frame is this function. */
  thrownHere: number;
  ratePerMin: number;
  /** Errors / requests, 0..1; null when there were no requests. */
  errorRate: number | null;
  mappedBy: MappedBy[];
  /** 0..1: how sure the mapping is (1 for code.* attributes, lower for routes and span names). */
  confidence: number;
  /** The mapping had more than one candidate function. */
  ambiguous: boolean;
}

export interface UnmappedTelemetry {
  service: string;
  name: string;
  route: string | null;
  count: number;
  reason: UnmappedReason;
}

/** `prodlens report --format json`. Field names are a contract (DESIGN.md). */
export interface ReportJson {
  functions: FunctionStats[];
  unmapped: UnmappedTelemetry[];
}

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'insufficient';
