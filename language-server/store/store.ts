import type { Database, Transaction } from 'better-sqlite3';
import type { FunctionStats } from '@protocol/model';
import type { DeployMarker } from '@protocol/collector';
import type { FunctionRef } from '../mapping/types';
import { ingestChunks } from './ingest';
import { cursorAdvances } from './cursor';
import type { RawWriterClient } from './raw/raw-client';
import { InlineRawSink, WorkerRawSink, type RawSink } from './raw/raw-sink';
import { NestedCalls } from './nested-calls';
import { DEFAULT_RETENTION, maintain } from './maintenance';
import { functionDetail, functionStats, versionRollups } from './queries';
import { type Tables, prepareTables } from './tables';
import { type FunctionRoutes, type FunctionRoutesQuery, functionRoutes } from './tables/function-routes';
import type {
  DeployRecord,
  DetailOptions,
  FunctionDetail,
  IngestBatch,
  IngestChunk,
  IngestResult,
  MaintainResult,
  RetentionOptions,
  StatsQuery,
  StoredSpan,
  StoreOptions,
  TimeWindow,
  UnmappedRecord,
  VersionRollups,
} from './types';

/** A deploy marker whose fields cannot be stored. */
export class DeployMarkerError extends Error {
  override name = 'DeployMarkerError';
}

/**
 * The language server's SQLite store: one connection, its prepared statements, and the
 * operations the rest of the server calls. Open it with `openStore` (database.ts).
 */
export class Store {
  private readonly t: Tables;
  private readonly retention: RetentionOptions;
  private readonly ingestTx: Transaction<(cursor: string | null, chunks: Iterable<IngestChunk>, raw: RawSink, arrivedMs?: number) => IngestResult>;
  private readonly nested = new NestedCalls();

  private rawWriter: RawWriterClient | null = null;

  /**
   * @param startRawWriter starts the raw writer thread, on the first pull (a store that only answers
   * queries never starts it); null writes raw spans on this connection.
   */
  constructor(
    private readonly db: Database,
    options: StoreOptions,
    private readonly startRawWriter: (() => RawWriterClient) | null = null,
  ) {
    this.t = prepareTables(db);
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.ingestTx = db.transaction((cursor: string | null, chunks: Iterable<IngestChunk>, raw: RawSink, arrivedMs?: number) => {
      this.t.meta.lock();
      return ingestChunks(this.t, cursor, chunks, this.nested, raw, arrivedMs);
    });
  }

  /** Starts the raw writer thread now rather than on the first pull (a store that will pull). */
  startRawWriterThread(): void {
    this.rawWriter ??= this.startRawWriter?.() ?? null;
  }

  /** Whether a raw writer thread stores the raw spans of pulls (`ingestPull`). */
  get rawWriterThread(): boolean {
    return this.startRawWriter !== null;
  }

  /** Writes a pulled batch and its cursor in one transaction; a batch at or before the stored cursor is skipped. */
  ingestBatch(batch: IngestBatch): IngestResult {
    return this.ingestStream(batch.cursor, [batch], batch.arrivedMs);
  }

  /**
   * Writes a pull chunk by chunk (ingest.ts `ingestChunks`) and its cursor in one transaction; the
   * chunks are produced (decoded, mapped) while it is open, one at a time.
   */
  ingestStream(cursor: string | null, chunks: Iterable<IngestChunk>, arrivedMs?: number): IngestResult {
    return this.ingestWith(cursor, chunks, new InlineRawSink(this.t), arrivedMs);
  }

  /**
   * A pull, as `ingestStream`, with its raw spans stored by the raw writer thread while this thread
   * counts them: the rollups commit first, then the raw spans with their own cursor, and the promise
   * resolves once both have. Should the raw commit fail, the rollups stay counted and the next start
   * pulls again from the raw cursor (`cursor()`), storing only what is missing.
   * @param trackSpans the pull has log records, which may join spans written earlier in it.
   */
  async ingestPull(cursor: string | null, chunks: Iterable<IngestChunk>, trackSpans: boolean): Promise<IngestResult> {
    this.startRawWriterThread();
    const writer = this.rawWriter;
    // A writer that died leaves the raw spans to this thread; the pull it failed is replayed from the raw cursor.
    if (!writer || writer.failure) return this.ingestStream(cursor, chunks);
    let result: IngestResult;
    try {
      result = this.ingestWith(cursor, chunks, new WorkerRawSink(this.t, writer, trackSpans));
    } catch (err) {
      await writer.rollback().catch(() => undefined);
      throw err;
    }
    await writer.commit(cursor);
    return result;
  }

  private ingestWith(cursor: string | null, chunks: Iterable<IngestChunk>, raw: RawSink, arrivedMs?: number): IngestResult {
    try {
      // Deferred, not immediate: BEGIN IMMEDIATE would lock every attached file, the raw-span file
      // too, and the raw writer thread would wait for this transaction instead of running beside it.
      // Its first statement takes the main file's write lock (meta `lock`), as IMMEDIATE would.
      const result = this.ingestTx.deferred(cursor, chunks, raw, arrivedMs);
      this.nested.commit();
      return result;
    } catch (err) {
      this.nested.rollback();
      // Ids cached during the failed transaction were rolled back with it.
      this.t.functions.forgetCached();
      this.t.series.forgetCached();
      throw err;
    }
  }

  /** Where the next pull starts: the earlier of the rollups' cursor and the raw spans' (they commit apart). */
  cursor(): string | null {
    const counted = this.t.meta.get('pull_cursor');
    const stored = this.t.rawMeta.get('raw_cursor');
    if (counted === null || stored === null) return null;
    return cursorAdvances(stored, counted) ? stored : counted;
  }

  collectorId(): string | null {
    return this.t.meta.get('collector_id');
  }

  /**
   * Records which collector the cursor belongs to. A different collector's sequence numbers mean
   * nothing here, so changing it forgets the cursor (the next pull starts from its oldest batch).
   */
  setCollectorId(id: string): void {
    this.db.transaction(() => {
      if (this.t.meta.get('collector_id') === id) return;
      this.t.meta.set('collector_id', id);
      this.t.meta.remove('pull_cursor');
      this.t.rawMeta.remove('raw_cursor');
    }).immediate();
  }

  functionStats(q: StatsQuery): FunctionStats[] {
    return functionStats(this.t, q);
  }

  /** Hover data for one function; null when telemetry never reached it. */
  functionDetail(fn: Pick<FunctionRef, 'file' | 'qualifiedName'>, window: TimeWindow, options?: DetailOptions): FunctionDetail | null {
    return functionDetail(this.t, fn, window, options);
  }

  versionRollups(service: string, environment: string, version: string, window: TimeWindow): VersionRollups {
    return versionRollups(this.t, service, environment, version, window);
  }

  /** Calls of the given functions split by their trace's entry route, read from raw spans (deploy diffs' per-function mix). */
  functionRoutes(q: FunctionRoutesQuery): FunctionRoutes {
    return functionRoutes(this.t, q);
  }

  /** Newest first. */
  deploys(filter: { service?: string; environment?: string } = {}): DeployRecord[] {
    return this.t.deploys.list(filter.service ?? null, filter.environment ?? null);
  }

  recordDeployMarker(marker: DeployMarker): void {
    const timeMs = Date.parse(marker.time);
    if (!Number.isFinite(timeMs)) {
      throw new DeployMarkerError(`deploy marker for ${marker.service} ${marker.version} has an invalid time "${marker.time}"; send ISO 8601`);
    }
    if (marker.service === '' || marker.version === '') {
      throw new DeployMarkerError(`deploy marker needs a service and a version (got service "${marker.service}", version "${marker.version}")`);
    }
    this.t.deploys.marker({
      service: marker.service,
      environment: marker.environment,
      version: marker.version,
      commit: marker.commit ?? null,
      timeMs,
    });
  }

  /** Most frequent first. */
  unmapped(limit = 200): UnmappedRecord[] {
    return this.t.unmapped.list(limit);
  }

  trace(traceId: string): StoredSpan[] {
    return this.t.spans.trace(traceId);
  }

  /** Retention and coarsening, bounded per call; call again while `more` is true. */
  maintain(nowMs: number): MaintainResult {
    // The raw writer holds the raw-span file's write lock for a pull; retention waits for the next call.
    if (this.rawWriter?.busy) return { spansDeletedByAge: 0, spansDeletedBySize: 0, rollupRowsCoarsened: 0, routeRowsCoarsened: 0, more: false };
    return maintain(this.db, this.t, this.retention, nowMs);
  }

  /** Raw spans currently stored and their estimated bytes (what the size bound counts). */
  rawSpanUsage(): { spans: number; bytes: number } {
    return { spans: this.t.spans.count(), bytes: this.t.rawMeta.getNumber('raw_bytes') };
  }

  /** Closes the connection and ends the raw writer thread; a pull it had not committed is rolled back. */
  close(): void {
    this.rawWriter?.terminate();
    this.db.close();
  }
}
