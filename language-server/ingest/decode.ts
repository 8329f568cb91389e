/**
 * Decoding the OTLP protobuf payloads the collector spooled into `SpanRecord`s and `LogException`s.
 * One bad span is skipped and counted with its reason; a payload protobufjs cannot read at all
 * becomes an `OtlpDecodeError` naming its batch, so the caller can report it and move past it.
 */
import type { BatchKind } from '@protocol/collector';
import type { ExceptionInfo, LogException, SpanEvent, SpanRecord } from './span';
import type { Frame } from './frames';
import { logsRequestType, type Int64, type PbEvent, type PbKeyValue, type PbLogRecord, type PbResource } from './otlp-root';
import { readResources, readTraceRequest, type Fixed64, type ReadSpan } from './span-reader';
import { attrString, flattenAttributes, idToHex, uint64ToBigInt, type FlattenCounters } from './any-value';
import { resourceIdentity, type ResourceIdentity } from './resource';
import { capString, DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits';

export type SkipReason =
  | 'invalid-trace-id'
  | 'invalid-span-id'
  | 'invalid-parent-span-id'
  | 'invalid-kind'
  | 'invalid-status'
  | 'missing-start-time'
  | 'missing-end-time'
  | 'end-before-start'
  | 'log-missing-time';

export interface DecodeStats extends FlattenCounters {
  spans: number;
  logExceptions: number;
  /** Log records without `exception.*`: not errors, just not what the language server keeps. */
  ignoredLogs: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export function emptyDecodeStats(): DecodeStats {
  return { spans: 0, logExceptions: 0, ignoredLogs: 0, droppedAttributes: 0, skipped: {} };
}

/** A whole payload could not be read as the OTLP message its frame announced. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
  constructor(
    readonly kind: BatchKind,
    readonly seq: bigint,
    readonly reason: string,
  ) {
    super(`batch ${seq} is not a valid OTLP ${kind} request (${reason}); it was skipped`);
  }
}

function skip(stats: DecodeStats, reason: SkipReason): undefined {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + 1;
  return undefined;
}

function parseOrThrow<T>(decode: () => T, kind: BatchKind, seq: bigint): T {
  try {
    return decode();
  } catch (error) {
    // protobufjs throws plain Errors and RangeErrors (and deep nesting can exhaust the stack); all
    // of them mean the same thing here: these bytes are not this message.
    throw new OtlpDecodeError(kind, seq, error instanceof Error ? error.message : String(error));
  }
}

export function decodeTraceRequest(
  payload: Uint8Array,
  seq: bigint,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
  stats: DecodeStats = emptyDecodeStats(),
): SpanRecord[] {
  const request = parseOrThrow(() => readTraceRequest(payload, limits), 'traces', seq);
  const out: SpanRecord[] = [];
  for (const resourceSpans of request) {
    const identity = resourceIdentity(flattenAttributes(resourceSpans.resource?.attributes ?? [], limits, stats));
    for (const span of resourceSpans.spans) {
      const record = toSpanRecord(span, identity, limits, stats);
      if (record !== undefined) out.push(record);
    }
  }
  stats.spans += out.length;
  return out;
}

function toSpanRecord(span: ReadSpan, id: ResourceIdentity, limits: IngestLimits, stats: DecodeStats): SpanRecord | undefined {
  const { traceId, spanId, parentSpanId } = span;
  if (traceId === null) return skip(stats, 'invalid-trace-id');
  if (spanId === null) return skip(stats, 'invalid-span-id');
  if (span.badParentSpanId) return skip(stats, 'invalid-parent-span-id');
  const kind = span.kind ?? 0;
  if (!Number.isInteger(kind) || kind < 0 || kind > 5) return skip(stats, 'invalid-kind');
  const statusCode = span.status?.code ?? 0;
  if (statusCode !== 0 && statusCode !== 1 && statusCode !== 2) return skip(stats, 'invalid-status');
  const start = span.startTimeUnixNano;
  if (start === null || isZeroTime(start)) return skip(stats, 'missing-start-time');
  const end = span.endTimeUnixNano;
  if (end === null || isZeroTime(end)) return skip(stats, 'missing-end-time');
  if (end.high < start.high || (end.high === start.high && end.low < start.low)) return skip(stats, 'end-before-start');
  stats.droppedAttributes += span.droppedAttributes;
  const exceptions: ExceptionInfo[] = [];
  const events = span.events.length === 0 ? undefined : spanEvents(span.events, exceptions, limits, stats);
  const record: SpanRecord = {
    traceId,
    spanId,
    parentSpanId,
    name: capString(span.name ?? '', limits.maxStringLength),
    kind,
    startNs: uint64ToBigInt(start),
    durationNs: durationNs(start, end),
    statusCode,
    statusMessage: capString(span.status?.message ?? '', limits.maxStringLength),
    service: id.service,
    environment: id.environment,
    version: id.version,
    commit: id.commit,
    resource: id.resource,
    attributes: span.attributes,
    exceptions,
  };
  if (events !== undefined) record.events = events;
  return record;
}

function isZeroTime(time: Fixed64): boolean {
  return time.low === 0 && time.high === 0;
}

/**
 * `Number(endNs - startNs)` without bigints: both terms are exact doubles, so their sum is the exact
 * difference rounded once, to nearest even, as the conversion from bigint rounds it.
 */
function durationNs(start: Fixed64, end: Fixed64): number {
  return (end.high - start.high) * 4_294_967_296 + (end.low - start.low);
}

function nonZeroTime(value: Int64 | null): bigint | null {
  if (value === null) return null;
  const ns = uint64ToBigInt(value);
  return ns === 0n ? null : ns;
}

/** Exception events go into `exceptions`; the rest are returned, or undefined when there are none. */
function spanEvents(
  events: readonly PbEvent[],
  exceptions: ExceptionInfo[],
  limits: IngestLimits,
  stats: DecodeStats,
): SpanEvent[] | undefined {
  const others: SpanEvent[] = [];
  for (const event of events) {
    if (event.name === 'exception') {
      if (exceptions.length >= limits.maxExceptionsPerSpan) continue;
      const info = exceptionInfo(event.attributes, 'event', limits, stats);
      if (info !== undefined) exceptions.push(info);
    } else if (others.length < limits.maxEventsPerSpan) {
      const timeNs = event.timeUnixNano === null ? 0n : uint64ToBigInt(event.timeUnixNano);
      const name = capString(event.name ?? '', limits.maxStringLength);
      others.push({ name, timeNs, attributes: flattenAttributes(event.attributes, limits, stats) });
    }
  }
  return others.length > 0 ? others : undefined;
}

/**
 * `exception.*` attributes as an exception, or undefined when none of them is present. The pairs are
 * flattened with the stack-trace cap so a long stack survives; type and message get the usual cap.
 */
function exceptionInfo(
  pairs: readonly PbKeyValue[],
  source: ExceptionInfo['source'],
  limits: IngestLimits,
  stats: DecodeStats,
): ExceptionInfo | undefined {
  const attrs = flattenAttributes(pairs, { ...limits, maxStringLength: limits.maxStacktraceLength }, stats);
  const type = attrString(attrs, 'exception.type');
  const message = attrString(attrs, 'exception.message');
  const stacktrace = attrString(attrs, 'exception.stacktrace');
  if (type === undefined && message === undefined && stacktrace === undefined) return undefined;
  return {
    type: capString(type ?? '', limits.maxStringLength),
    message: capString(message ?? '', limits.maxStringLength),
    stacktrace: stacktrace ?? '',
    source,
  };
}

export function decodeLogsRequest(
  payload: Uint8Array,
  seq: bigint,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
  stats: DecodeStats = emptyDecodeStats(),
): LogException[] {
  const request = parseOrThrow(() => logsRequestType.decode(payload), 'logs', seq);
  const out: LogException[] = [];
  for (const resourceLogs of request.resourceLogs) {
    const identity = resourceIdentity(flattenAttributes(resourceLogs.resource?.attributes ?? [], limits, stats));
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) {
        const exception = toLogException(record, identity, limits, stats);
        if (exception !== undefined) out.push(exception);
      }
    }
  }
  stats.logExceptions += out.length;
  return out;
}

function toLogException(
  record: PbLogRecord,
  id: ResourceIdentity,
  limits: IngestLimits,
  stats: DecodeStats,
): LogException | undefined {
  const exception = exceptionInfo(record.attributes, 'log', limits, stats);
  if (exception === undefined) {
    stats.ignoredLogs++;
    return undefined;
  }
  const traceId = idToHex(record.traceId, 16);
  if (traceId === null) return skip(stats, 'invalid-trace-id');
  const spanId = idToHex(record.spanId, 8);
  if (spanId === null) return skip(stats, 'invalid-span-id');
  const timeNs = nonZeroTime(record.timeUnixNano) ?? nonZeroTime(record.observedTimeUnixNano);
  if (timeNs === null) return skip(stats, 'log-missing-time');
  return { traceId, spanId, timeNs, service: id.service, environment: id.environment, version: id.version, exception };
}

export interface DecodedBatches {
  spans: SpanRecord[];
  logs: LogException[];
  stats: DecodeStats;
  /** Payloads that were not OTLP at all, by batch; the rest of the pull still counts. */
  undecodable: OtlpDecodeError[];
}

/** One frame decoded into `stats`; throws `OtlpDecodeError` when its payload is not OTLP at all. */
export function decodeFrame(frame: Frame, limits: IngestLimits, stats: DecodeStats): { spans: SpanRecord[]; logs: LogException[] } {
  if (frame.kind === 'traces') return { spans: decodeTraceRequest(frame.payload, frame.seq, limits, stats), logs: [] };
  return { spans: [], logs: decodeLogsRequest(frame.payload, frame.seq, limits, stats) };
}

export function decodeFrames(frames: readonly Frame[], limits: IngestLimits = DEFAULT_INGEST_LIMITS): DecodedBatches {
  const result: DecodedBatches = { spans: [], logs: [], stats: emptyDecodeStats(), undecodable: [] };
  for (const frame of frames) {
    try {
      const decoded = decodeFrame(frame, limits, result.stats);
      for (const span of decoded.spans) result.spans.push(span);
      for (const log of decoded.logs) result.logs.push(log);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      result.undecodable.push(error);
    }
  }
  return result;
}

/**
 * The resource identities of the trace frames' spans, read without decoding the spans, so a pull
 * can prepare what its spans need (a deployed commit's diff) before it streams them into the store.
 * Frames that are not OTLP are left to `decodeFrame` to report.
 */
export function frameIdentities(frames: readonly Frame[], limits: IngestLimits = DEFAULT_INGEST_LIMITS): ResourceIdentity[] {
  const out: ResourceIdentity[] = [];
  for (const frame of frames) {
    if (frame.kind !== 'traces') continue;
    let resources: PbResource[];
    try {
      resources = readResources(frame.payload);
    } catch {
      continue;
    }
    for (const resource of resources) out.push(resourceIdentity(flattenAttributes(resource.attributes, limits, emptyDecodeStats())));
  }
  return out;
}
