/**
 * The raw writer: stores a pull's raw spans in the raw-span file, in a transaction of its own that
 * commits with its raw cursor. It runs in a worker thread (raw-worker.ts), so decoding the frames a
 * second time and the SQLite inserts, about a third of ingest's CPU, take the other core while the
 * main thread maps and counts the same frames. Frames at or before the raw cursor are skipped, so a
 * pull replayed after a crash stores each span once.
 */
import type { Database } from 'better-sqlite3';
import { decodeFrame, emptyDecodeStats } from '../../ingest/decode';
import { DEFAULT_INGEST_LIMITS } from '../../ingest/limits';
import { durationUsOf, sameException, type ExceptionInfo } from '../../ingest/span';
import { cursorAdvances } from '../cursor';
import { SpansTable } from '../tables/spans';
import { RawMetaTable } from './raw-meta';
import { NO_FUNCTION, type RawReply, type RawRequest } from './raw-protocol';

export class RawWriter {
  private readonly spans: SpansTable;
  private readonly meta: RawMetaTable;
  private open = false;
  private failure: string | null = null;
  private bytes = 0;
  private count = 0;

  constructor(private readonly db: Database) {
    this.spans = new SpansTable(db, true);
    this.meta = new RawMetaTable(db);
  }

  /** Handles one request; returns the reply it owes, if any. */
  handle(req: RawRequest): RawReply | null {
    switch (req.op) {
      case 'frame':
      case 'attach':
        if (this.failure === null) this.guard(() => (req.op === 'frame' ? this.frame(req) : this.attach(req.traceId, req.spanId, req.exception)));
        return null;
      case 'commit':
        return this.finish(() => {
          if (!this.open) return;
          if (cursorAdvances(this.meta.get('raw_cursor'), req.cursor) && req.cursor !== null) this.meta.set('raw_cursor', req.cursor);
          this.meta.addBytes(this.bytes);
          this.db.exec('COMMIT');
        });
      case 'rollback':
        return this.finish(() => undefined);
    }
  }

  private frame(req: Extract<RawRequest, { op: 'frame' }>): void {
    this.begin();
    if (!cursorAdvances(this.meta.get('raw_cursor'), req.seq)) return;
    const { spans } = decodeFrame({ kind: 'traces', seq: BigInt(req.seq), receivedAtMs: 0, payload: req.payload }, DEFAULT_INGEST_LIMITS, emptyDecodeStats());
    if (spans.length !== req.fnIds.length || spans.length !== req.seriesIds.length) {
      throw new Error(`batch ${req.seq} decoded to ${spans.length} spans here but ${req.fnIds.length} on the main thread`);
    }
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      const fnId = req.fnIds[i]!;
      this.bytes += this.spans.insert({ span, fnId: fnId === NO_FUNCTION ? null : fnId, seriesId: req.seriesIds[i]!, durationUs: durationUsOf(span), exceptions: span.exceptions });
    }
    this.count += spans.length;
  }

  private attach(traceId: string, spanId: string, exception: ExceptionInfo): void {
    this.begin();
    const stored = this.spans.find(traceId, spanId);
    if (!stored || stored.exceptions.some((e) => sameException(e, exception))) return;
    this.bytes += this.spans.setExceptions(stored, [...stored.exceptions, exception]);
  }

  private begin(): void {
    if (this.open) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
    }
  }

  /** Ends the pull: `work` (the commit) unless a request failed; rolls back whatever is left open. */
  private finish(work: () => void): RawReply {
    if (this.failure === null) this.guard(work);
    const reply: RawReply = this.failure === null ? { op: 'done', spans: this.count } : { op: 'failed', message: this.failure };
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = false;
    this.failure = null;
    this.bytes = 0;
    this.count = 0;
    return reply;
  }
}
