/**
 * One batch from the collector, written in one transaction (the caller wraps it): rollups, traffic
 * mix, error types, deploys, unmapped counts and the cursor, and the raw spans through a `RawSink`
 * (in the same transaction, or by the raw writer thread in its own). Because the cursor is written
 * with the data, a batch is either fully counted or not at all, and a batch at or before the stored
 * cursor is skipped, so replays cannot double count.
 */
import { record } from '../analysis/histogram';
import { durationUsOf, sameException, type ExceptionInfo, type LogException, type SpanRecord } from '../ingest/span';
import type { SpanResolution, ThrownHere } from '../mapping/types';
import { BatchAccumulator } from './batch';
import { type CountedSpan, type NestedCalls, callKey } from './nested-calls';
import { SLOWEST_KEPT, addError, addSlow, clipMessage } from './exemplars';
import type { Tables } from './tables';
import type { SpanRowInput } from './tables/spans';
import { mappedByBit } from './tables/rollups';
import { cursorAdvances } from './cursor';
import type { RawSink } from './raw/raw-sink';
import type { Exemplar, IngestChunk, IngestResult } from './types';

const NS_PER_MS = 1e6;
const NS_PER_MIN = 6e10;

/**
 * A pull streamed in chunks (one per collector batch) into one transaction: each chunk's spans are
 * mapped, counted and handed to `raw` before the next is decoded, so only one chunk of decoded spans
 * is alive at a time, while rollups, traffic mix and error types accumulate over the whole pull and
 * are written once with the cursor. Nothing is read from `chunks` when the cursor was already applied
 * and the raw spans stored. A chunk from a collector batch at or before the stored cursor (a pull
 * replayed after the raw writer fell behind a crash) is not counted again; its raw spans are stored
 * if the raw cursor is before it.
 */
export function ingestChunks(t: Tables, cursor: string | null, chunks: Iterable<IngestChunk>, nested: NestedCalls, raw: RawSink, arrivedAtMs?: number): IngestResult {
  const counted = t.meta.get('pull_cursor');
  const applies = cursorAdvances(counted, cursor);
  if (!applies && !raw.wants(cursor)) return { applied: false, spans: 0, logs: 0 };
  const acc = new BatchAccumulator(t.meta.getNumber('coarsened_before_min'));
  const arrivedMs = arrivedAtMs ?? Date.now();
  const parents = new ParentFunctions();
  let spans = 0;
  let logs = 0;
  for (const chunk of chunks) {
    const seq = chunk.frame ? chunk.frame.seq.toString() : null;
    const count = seq === null ? applies : cursorAdvances(counted, seq);
    const store = raw.wants(seq);
    if (!count) {
      if (store) for (const item of chunk.spans) raw.span(rawRow(t, item.span, item.resolution.mapped ? t.functions.idFor(item.resolution.fn) : null, null));
      raw.endChunk(chunk);
      continue;
    }
    const attached = ingestLogs(t, acc, chunk, raw, arrivedMs);
    parents.add(t, chunk);
    for (const item of chunk.spans) {
      const extra = attached.get(spanKey(item.span.traceId, item.span.spanId)) ?? null;
      const fnId = item.resolution.mapped ? t.functions.idFor(item.resolution.fn) : null;
      const call = fnId === null ? 'unmapped' : countAs(item.span, fnId, parents, nested, acc);
      if (call === 'counted' && item.resolution.mapped && item.span.parentSpanId !== null) {
        nested.rememberChild(callKey(item.span.traceId, item.span.parentSpanId), countedSpan(t, item.span, fnId!, item.resolution));
      }
      ingestSpan(t, acc, item.span, item.resolution, fnId, call, item.thrown, extra);
      if (store) raw.span(rawRow(t, item.span, fnId, extra));
    }
    raw.endChunk(chunk);
    spans += chunk.spans.length;
    logs += chunk.logs.length;
  }
  acc.flush(t);
  expirePendingLogs(t, arrivedMs - PENDING_LOG_WAIT_MS, 1_000);
  raw.finish(cursor);
  if (cursor !== null && applies) t.meta.set('pull_cursor', cursor);
  return { applied: true, spans, logs };
}

function rawRow(t: Tables, s: SpanRecord, fnId: number | null, extra: ExceptionInfo[] | null): SpanRowInput {
  return { span: s, fnId, seriesId: t.series.idFor(s), durationUs: durationUsOf(s), exceptions: extra ? [...s.exceptions, ...extra] : s.exceptions };
}

/**
 * The function of every mapped span of the pull, by span key, so a child can tell that its parent
 * is the same function's call. Kept from the first chunk that holds a child span on (a pull of root
 * spans, the common case at high rates, never builds it): a parent in an earlier chunk without any
 * child span is the case nested-calls.ts leaves unhandled, a parent arriving before its child.
 */
class ParentFunctions {
  private map: Map<string, number> | null = null;

  add(t: Tables, chunk: IngestChunk): void {
    if (this.map === null && !chunk.spans.some((i) => i.span.parentSpanId !== null)) return;
    this.map ??= new Map();
    for (const { span, resolution } of chunk.spans) {
      if (resolution.mapped) this.map.set(callKey(span.traceId, span.spanId), t.functions.idFor(resolution.fn));
    }
  }

  of(traceId: string, spanId: string): number | undefined {
    return this.map?.get(callKey(traceId, spanId));
  }
}

/**
 * 'nested' when the span's parent (in this batch) maps to the same function: the parent is the
 * call (nested-calls.ts). Otherwise the span is counted, and children of it counted by earlier
 * batches for the same function are taken back out.
 */
function countAs(s: SpanRecord, fnId: number, parents: ParentFunctions, nested: NestedCalls, acc: BatchAccumulator): 'counted' | 'nested' {
  if (s.parentSpanId !== null && parents.of(s.traceId, s.parentSpanId) === fnId) return 'nested';
  const children = nested.size > 0 ? nested.takeChildren(callKey(s.traceId, s.spanId)) : undefined;
  if (children) for (const c of children) if (c.fnId === fnId) acc.uncount(c);
  return 'counted';
}

function countedSpan(t: Tables, s: SpanRecord, fnId: number, res: Extract<SpanResolution, { mapped: true }>): CountedSpan {
  return {
    fnId,
    seriesId: t.series.idFor(s),
    minute: Math.floor(Number(s.startNs) / NS_PER_MIN),
    durationUs: durationUsOf(s),
    isError: s.statusCode === 2,
    confidence: res.confidence,
    ambiguous: res.alternatives.length > 0,
  };
}


const spanKey = callKey;

/** Exception log records kept waiting for their span (pending_log_exceptions) at most. */
export const PENDING_LOGS_MAX = 10_000;
/** How long an exception log record waits for its span, by arrival time, before it counts without one. */
export const PENDING_LOG_WAIT_MS = 10 * 60_000;

/**
 * Exceptions that arrive as log records join their span: one in this batch (returned, to be stored
 * with it), one already stored (updated in place), or, when the span has not arrived yet, one that
 * a later batch brings: the record waits in pending_log_exceptions, written with this batch's
 * cursor, and is counted when its span arrives or when it expires (`expirePendingLogs`). An
 * exception the span already carries as an event (SDKs in `logs/dup` mode send both) is not
 * counted twice.
 */
function ingestLogs(
  t: Tables,
  acc: BatchAccumulator,
  batch: IngestChunk,
  raw: RawSink,
  arrivedMs: number,
): Map<string, ExceptionInfo[]> {
  const attached = new Map<string, ExceptionInfo[]>();
  let pending = t.pendingLogs.count();
  if (batch.logs.length === 0 && pending === 0) return attached;
  const inBatch = new Map<string, { span: SpanRecord; resolution: SpanResolution }>();
  for (const item of batch.spans) inBatch.set(spanKey(item.span.traceId, item.span.spanId), item);

  const items: IngestChunk['logs'] = [];
  if (pending > 0) {
    for (const k of t.pendingLogs.keys()) {
      if (!inBatch.has(spanKey(k.traceId, k.spanId))) continue;
      const waiting = t.pendingLogs.take(k.id);
      if (waiting) items.push(waiting);
      pending--;
    }
  }
  items.push(...batch.logs);

  for (const { log, thrown } of items) {
    const key = spanKey(log.traceId, log.spanId);
    const local = inBatch.get(key);
    let spanFnId: number | null = null;
    if (local) {
      const list = attached.get(key) ?? [];
      if (local.span.exceptions.some((e) => sameException(e, log.exception)) || list.some((e) => sameException(e, log.exception))) continue;
      list.push(log.exception);
      attached.set(key, list);
      if (local.resolution.mapped) spanFnId = t.functions.idFor(local.resolution.fn);
    } else if (log.traceId !== '' && log.spanId !== '') {
      const stored = raw.find(log.traceId, log.spanId);
      if (stored) {
        if (stored.exceptions.some((e) => sameException(e, log.exception))) continue;
        raw.attach(stored, log.exception);
        spanFnId = stored.fnId;
      } else if (pending < PENDING_LOGS_MAX) {
        t.pendingLogs.add(log, thrown, arrivedMs);
        pending++;
        continue;
      }
    }
    countLogException(t, acc, log, thrown, spanFnId);
  }
  return attached;
}

/**
 * Counts, without a span, up to `limit` pending exception log records that arrived before
 * `beforeMs`, and deletes them. Returns how many. Run inside a transaction.
 */
export function expirePendingLogs(t: Tables, beforeMs: number, limit: number): number {
  const expired = t.pendingLogs.expired(beforeMs, limit);
  if (expired.length === 0) return 0;
  const acc = new BatchAccumulator(t.meta.getNumber('coarsened_before_min'));
  for (const p of expired) {
    t.pendingLogs.remove(p.id);
    countLogException(t, acc, p.log, p.thrown, null);
  }
  acc.flush(t);
  return expired.length;
}

function countLogException(t: Tables, acc: BatchAccumulator, log: LogException, thrown: ThrownHere | null, spanFnId: number | null): void {
  const minute = Math.floor(Number(log.timeNs) / NS_PER_MIN);
  const atMs = Math.floor(Number(log.timeNs) / NS_PER_MS);
  let fnId = spanFnId ?? 0;
  if (thrown) {
    fnId = t.functions.idFor(thrown.fn);
    const r = acc.rollup(t.series.idFor(log), fnId, minute);
    r.thrownHere++;
    r.mappedBy |= mappedByBit(thrown.mappedBy);
  }
  acc.errorType(log.service, log.environment, log.version, fnId, log.exception.type, atMs, clipMessage(log.exception.message));
}

/** Adds one span to the batch's aggregates. */
function ingestSpan(
  t: Tables,
  acc: BatchAccumulator,
  s: SpanRecord,
  res: SpanResolution,
  fnId: number | null,
  call: 'counted' | 'nested' | 'unmapped',
  thrown: ThrownHere | null,
  extra: ExceptionInfo[] | null,
): void {
  const durationUs = durationUsOf(s);
  const startNs = Number(s.startNs);
  const minute = Math.floor(startNs / NS_PER_MIN);
  const atMs = Math.floor(startNs / NS_PER_MS);
  const isError = s.statusCode === 2;
  const seriesId = t.series.idFor(s);

  if (res.mapped && fnId !== null && call === 'counted') {
    const r = acc.rollup(seriesId, fnId, minute);
    r.count++;
    if (isError) r.errors++;
    r.sumUs += durationUs;
    r.minUs = r.minUs === null || durationUs < r.minUs ? durationUs : r.minUs;
    r.maxUs = r.maxUs === null || durationUs > r.maxUs ? durationUs : r.maxUs;
    record(r.hist, durationUs);
    r.mappedBy |= mappedByBit(res.mappedBy);
    r.confidenceSum += res.confidence;
    if (res.alternatives.length > 0) r.ambiguous++;
    const slow = r.exemplars.slow;
    const keepSlow = slow.length < SLOWEST_KEPT || durationUs > slow[slow.length - 1]!.durationUs;
    if (keepSlow || isError) {
      const ex = exemplarOf(s, durationUs, atMs);
      if (keepSlow) addSlow(r.exemplars, ex);
      if (isError) {
        const type = s.exceptions[0]?.type ?? '';
        addError(r.exemplars, type ? `${type} @ ${thrown?.frame ?? ''}` : `status: ${clipMessage(s.statusMessage)}`, type, ex);
      }
    }
  } else if (!res.mapped) {
    const route = s.attributes['http.route'];
    acc.unmappedSpan(s.service, s.name, typeof route === 'string' ? route : '', res.reason, atMs);
  }

  let errorFnId = fnId ?? 0;
  if (thrown) {
    errorFnId = t.functions.idFor(thrown.fn);
    const r = acc.rollup(seriesId, errorFnId, minute);
    r.thrownHere++;
    r.mappedBy |= mappedByBit(thrown.mappedBy);
  }
  for (const e of s.exceptions) acc.errorType(s.service, s.environment, s.version, errorFnId, e.type, atMs, clipMessage(e.message));
  const errorType = s.attributes['error.type'];
  if (isError && s.exceptions.length === 0 && !extra && typeof errorType === 'string' && errorType !== '') {
    acc.errorType(s.service, s.environment, s.version, errorFnId, errorType, atMs, clipMessage(s.statusMessage));
  }

  if (s.kind === 2 || s.kind === 5 || s.parentSpanId === null) {
    acc.route({ seriesId, route: s.name, minute }, isError);
  }
  if (s.version !== '') acc.deploy(s.service, s.environment, s.version, s.commit, atMs);
}

function exemplarOf(s: SpanRecord, durationUs: number, startMs: number): Exemplar {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    durationUs,
    statusCode: s.statusCode,
    message: clipMessage(s.exceptions[0]?.message ?? s.statusMessage),
    startMs,
  };
}
