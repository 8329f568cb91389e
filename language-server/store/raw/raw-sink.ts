/**
 * Where ingest puts a pull's raw spans. `InlineRawSink` writes them on the main connection inside
 * the pull's transaction (in-memory stores, runs from sources, and spans handed over already
 * decoded); `WorkerRawSink` hands each frame to the raw writer thread (raw-client.ts) together with
 * the function and series the main thread mapped its spans to.
 */
import type { ExceptionInfo } from '../../ingest/span';
import { cursorAdvances } from '../cursor';
import type { StoredExceptions, SpanRowInput } from '../tables/spans';
import type { Tables } from '../tables';
import type { IngestChunk } from '../types';
import type { RawWriterClient } from './raw-client';
import { NO_FUNCTION } from './raw-protocol';

/** A span a log record's exception may join: stored before this pull, or raw-written earlier in it. */
export interface RawSpanRef {
  traceId: string;
  spanId: string;
  fnId: number | null;
  exceptions: ExceptionInfo[];
}

export interface RawSink {
  /** Whether the raw spans up to this cursor or batch sequence number (null: a batch without one) are still to be stored. */
  wants(seq: string | null): boolean;
  span(row: SpanRowInput): void;
  /** The span with these ids, stored before or written earlier in this pull, or null. */
  find(traceId: string, spanId: string): RawSpanRef | null;
  /** Adds an exception from a log record to a span `find` returned. */
  attach(ref: RawSpanRef, exception: ExceptionInfo): void;
  /** After a chunk's spans: the chunk's frame goes to the writer. */
  endChunk(chunk: IngestChunk): void;
  /** Inside the transaction, after the last chunk. */
  finish(cursor: string | null): void;
}

function rawCursorOf(t: Tables): string | null {
  return t.rawMeta.get('raw_cursor');
}

const wantsAfter = (rawCursor: string | null, seq: string | null): boolean => seq === null || cursorAdvances(rawCursor, seq);

export class InlineRawSink implements RawSink {
  private bytes = 0;
  private readonly rawCursor: string | null;

  constructor(private readonly t: Tables) {
    this.rawCursor = rawCursorOf(t);
  }

  wants(seq: string | null): boolean {
    return wantsAfter(this.rawCursor, seq);
  }

  span(row: SpanRowInput): void {
    this.bytes += this.t.spans.insert(row);
  }

  find(traceId: string, spanId: string): (RawSpanRef & { stored: StoredExceptions }) | null {
    const stored = this.t.spans.find(traceId, spanId);
    return stored ? { traceId, spanId, fnId: stored.fnId, exceptions: stored.exceptions, stored } : null;
  }

  attach(ref: RawSpanRef, exception: ExceptionInfo): void {
    const { stored } = ref as RawSpanRef & { stored: StoredExceptions };
    this.bytes += this.t.spans.setExceptions(stored, [...stored.exceptions, exception]);
  }

  endChunk(): void {}

  finish(cursor: string | null): void {
    this.t.rawMeta.addBytes(this.bytes);
    if (cursor !== null && cursorAdvances(this.rawCursor, cursor)) this.t.rawMeta.set('raw_cursor', cursor);
  }
}

export class WorkerRawSink implements RawSink {
  private readonly rawCursor: string | null;
  private fnIds: number[] = [];
  private seriesIds: number[] = [];
  private attaches: Array<[string, string, ExceptionInfo]> = [];
  /** This pull's raw spans by key, kept when the pull carries log records that may join them. */
  private readonly written: Map<string, RawSpanRef> | null;

  constructor(
    private readonly t: Tables,
    private readonly writer: RawWriterClient,
    trackSpans: boolean,
  ) {
    this.rawCursor = rawCursorOf(t);
    this.written = trackSpans ? new Map() : null;
  }

  wants(seq: string | null): boolean {
    return wantsAfter(this.rawCursor, seq);
  }

  span(row: SpanRowInput): void {
    const s = row.span;
    this.fnIds.push(row.fnId ?? NO_FUNCTION);
    this.seriesIds.push(row.seriesId);
    // The writer decodes the span's own exceptions from the frame; the ones logs brought go after it.
    for (let i = s.exceptions.length; i < row.exceptions.length; i++) this.attaches.push([s.traceId, s.spanId, row.exceptions[i]!]);
    this.written?.set(`${s.traceId}/${s.spanId}`, { traceId: s.traceId, spanId: s.spanId, fnId: row.fnId, exceptions: [...row.exceptions] });
  }

  find(traceId: string, spanId: string): RawSpanRef | null {
    const here = this.written?.get(`${traceId}/${spanId}`);
    if (here) return here;
    const stored = this.t.spans.find(traceId, spanId);
    return stored ? { traceId, spanId, fnId: stored.fnId, exceptions: stored.exceptions } : null;
  }

  attach(ref: RawSpanRef, exception: ExceptionInfo): void {
    ref.exceptions.push(exception);
    this.attaches.push([ref.traceId, ref.spanId, exception]);
  }

  endChunk(chunk: IngestChunk): void {
    if (chunk.frame && chunk.frame.kind === 'traces' && this.fnIds.length > 0) {
      this.writer.frame(chunk.frame.seq, chunk.frame.payload, Int32Array.from(this.fnIds), Int32Array.from(this.seriesIds));
    }
    this.fnIds = [];
    this.seriesIds = [];
    for (const [traceId, spanId, exception] of this.attaches) this.writer.attach(traceId, spanId, exception);
    this.attaches = [];
  }

  finish(): void {}
}
