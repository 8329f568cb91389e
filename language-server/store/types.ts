/**
 * What the store takes in and gives back. Everything here is plain data; only the store touches
 * SQLite.
 */
import type { Frame } from '../ingest/frames';
import type { FunctionStats, MappedBy, UnmappedTelemetry } from '@protocol/model';
import type { DeployMarker } from '@protocol/collector';
import type { Buckets } from '../analysis/histogram';
import type { Attributes, ExceptionInfo, LogException, SpanRecord } from '../ingest/span';
import type { FunctionRef, SpanResolution, ThrownHere } from '../mapping/types';

/** Spans and exception logs, mapped: one collector batch of a pull, or a whole batch given at once. */
export interface IngestChunk {
  spans: Array<{ span: SpanRecord; resolution: SpanResolution; thrown: ThrownHere | null }>;
  logs: Array<{ log: LogException; thrown: ThrownHere | null }>;
  /**
   * The collector batch these came from, when they came from one: its sequence number decides what
   * of it is still to be counted and stored after a restart, and a raw writer thread decodes its
   * payload again to store the raw spans (raw/raw-sink.ts).
   */
  frame?: Frame;
}

export interface IngestBatch extends IngestChunk {
  /** The collector cursor after this batch, stored in the same transaction; null leaves it as is. */
  cursor: string | null;
  /** When the batch arrived (Unix ms; default now): how long exception logs wait for their span counts from here. */
  arrivedMs?: number;
}

export interface IngestResult {
  /** False when the batch's cursor is not after the stored one: it was already applied. */
  applied: boolean;
  spans: number;
  logs: number;
}

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

export interface StatsQuery extends TimeWindow {
  /** Workspace-relative files; all functions when absent. */
  files?: string[];
  services?: string[];
  environments?: string[];
}

/** A span worth showing: the slowest of a rollup, or the first/last of an error fingerprint. */
export interface Exemplar {
  traceId: string;
  spanId: string;
  durationUs: number;
  statusCode: 0 | 1 | 2;
  /** The exception message, else the status message ('' when neither). */
  message: string;
  startMs: number;
}

export interface ErrorExemplar {
  /** Exception type plus the throwing frame (or status message when there is no exception). */
  fingerprint: string;
  type: string;
  count: number;
  first: Exemplar;
  last: Exemplar;
}

/** A raw span read back from the store. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  fn: FunctionRef | null;
  service: string;
  environment: string;
  version: string;
  name: string;
  kind: number;
  startNs: bigint;
  durationUs: number;
  statusCode: 0 | 1 | 2;
  statusMessage: string;
  /** Span attributes plus the selected resource attributes (RESOURCE_KEYS_KEPT in tables/spans.ts). */
  attributes: Attributes;
  exceptions: ExceptionInfo[];
}

export interface VersionCount {
  service: string;
  environment: string;
  version: string;
  requests: number;
  errors: number;
}

export interface FunctionDetail {
  fn: FunctionRef;
  /** Null when the function has no data in the window. */
  stats: FunctionStats | null;
  histogram: Buckets;
  versions: VersionCount[];
  /** Slowest first. */
  slowest: Exemplar[];
  /** Most recent first. */
  failing: ErrorExemplar[];
  /** The most recent raw spans in the window (the baseline for a BubbleUp comparison). */
  spans: StoredSpan[];
  /** Raw spans in the window that failed or took at least the window's p95. */
  outliers: StoredSpan[];
}

export interface DetailOptions {
  /** Raw spans returned in `spans` (default 500) and `outliers` (default 200). */
  spanLimit?: number;
  outlierLimit?: number;
  exemplarLimit?: number;
}

export interface FunctionRollup {
  fn: FunctionRef;
  requests: number;
  errors: number;
  thrownHere: number;
  sumUs: number;
  minUs: number | null;
  maxUs: number | null;
  histogram: Buckets;
}

export interface RouteCount {
  route: string;
  requests: number;
  errors: number;
}

export interface ErrorTypeCount {
  /** Null when the exception could not be tied to a function. */
  fn: FunctionRef | null;
  type: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  message: string;
}

export interface VersionRollups {
  functions: FunctionRollup[];
  routes: RouteCount[];
  /** All exception types ever seen for this version (not limited to the window). */
  errorTypes: ErrorTypeCount[];
}

export type DeploySource = 'telemetry' | 'marker';

export interface DeployRecord {
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  firstSeenMs: number;
  lastSeenMs: number;
  spanCount: number;
  source: DeploySource;
}

export interface UnmappedRecord extends UnmappedTelemetry {
  lastSeenMs: number;
}

export interface RetentionOptions {
  /** Raw spans older than this are deleted (default 3 days). */
  rawMaxAgeMs: number;
  /** Raw spans beyond this many estimated bytes are deleted, oldest first (default 512 MiB). */
  rawMaxBytes: number;
  /** Minute rollups older than this become hour rollups (default 48 h). */
  coarsenAfterMs: number;
  /** Rows handled per chunk; each chunk is one short transaction (default 5,000). */
  chunkRows: number;
  /** Chunks per maintain() call before it returns with more: true (default 8). */
  maxChunks: number;
}

export interface MaintainResult {
  spansDeletedByAge: number;
  spansDeletedBySize: number;
  rollupRowsCoarsened: number;
  routeRowsCoarsened: number;
  /** True when the call stopped at its chunk budget; call again (e.g. on the next tick). */
  more: boolean;
}

export interface StoreOptions {
  /** Milliseconds to wait on a locked database before failing (default 5,000). */
  busyTimeoutMs?: number;
  retention?: Partial<RetentionOptions>;
  /**
   * The raw writer thread's script (raw/raw-worker.ts bundled as `dist/raw-worker.js`); default: the
   * one next to the running bundle. null, a run from sources and in-memory stores write raw spans
   * on the main thread instead.
   */
  rawWorkerScript?: string | null;
}

export type { DeployMarker, MappedBy };
