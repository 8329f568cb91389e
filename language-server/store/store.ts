import type { Database, Transaction } from 'better-sqlite3';
import type { FunctionStats } from '@protocol/model';
import type { DeployMarker } from '@protocol/collector';
import type { FunctionRef } from '../mapping/types';
import { ingestChunks } from './ingest';
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
  private readonly ingestTx: Transaction<(cursor: string | null, chunks: Iterable<IngestChunk>, arrivedMs?: number) => IngestResult>;
  private readonly nested = new NestedCalls();

  constructor(
    private readonly db: Database,
    options: StoreOptions,
  ) {
    this.t = prepareTables(db);
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.ingestTx = db.transaction((cursor: string | null, chunks: Iterable<IngestChunk>, arrivedMs?: number) =>
      ingestChunks(this.t, cursor, chunks, this.nested, arrivedMs),
    );
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
    try {
      const result = this.ingestTx.immediate(cursor, chunks, arrivedMs);
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

  cursor(): string | null {
    return this.t.meta.get('pull_cursor');
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
    return maintain(this.db, this.t, this.retention, nowMs);
  }

  /** Raw spans currently stored and their estimated bytes (what the size bound counts). */
  rawSpanUsage(): { spans: number; bytes: number } {
    return { spans: this.t.spans.count(), bytes: this.t.meta.getNumber('raw_bytes') };
  }

  close(): void {
    this.db.close();
  }
}
