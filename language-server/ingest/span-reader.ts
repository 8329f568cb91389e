/**
 * The hot path of trace decoding: walks `ExportTraceServiceRequest` bytes with protobufjs's Reader
 * and flattens span attributes straight into `Attributes`, without building the generated
 * decoder's KeyValue/AnyValue objects for every attribute (those objects were most of decode's
 * time and of ingest's garbage). Everything rarer (resources, events, status, arrays, key-value
 * lists, bytes) is decoded by the generated decoders and flattened by any-value.ts exactly as
 * before, so the output is the same as `traceRequestType.decode` followed by `flattenAttributes`.
 * Ids are checked and hex-encoded where they lie in the payload, and a string that recurs from one
 * span to the next is decoded once (`RecurringStrings`). Field numbers: opentelemetry-proto v1. Like the generated code, a field is read by its number
 * and anything else is skipped by wire type.
 */
import protobuf from 'protobufjs/minimal';
import otlpRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import type { Attributes } from './span';
import type { Int64, PbAnyValue, PbEvent, PbResource, PbSpan } from './otlp-root';
import { flattenAnyValue, hexId, int64ToAttr, isZero } from './any-value';
import { capString, type IngestLimits } from './limits';

/**
 * protobufjs's BufferReader (`readerOf` always reads a Buffer). Strings are decoded with the
 * Buffer's `utf8Slice`, as protobufjs's own `string()` decodes them: `toString('utf8', start, end)`
 * checks its arguments on every call first.
 */
type Reader = protobuf.Reader & { buf: Buffer & { utf8Slice(start: number, end: number): string } };

/** A fixed64 field as read: its unsigned 32-bit halves. */
export interface Fixed64 {
  low: number;
  high: number;
}

interface Decoder<T> {
  decode(reader: Reader, length: number): T;
}
interface V1 {
  common: { v1: { AnyValue: Decoder<PbAnyValue> } };
  resource: { v1: { Resource: Decoder<PbResource> } };
  trace: { v1: { Span: { Event: Decoder<PbEvent> }; Status: Decoder<{ code: number | null; message: string | null }> } };
}
const proto = (otlpRoot as unknown as { opentelemetry: { proto: V1 } }).opentelemetry.proto;
const AnyValue = proto.common.v1.AnyValue;
const Resource = proto.resource.v1.Resource;
const Event = proto.trace.v1.Span.Event;
const Status = proto.trace.v1.Status;

/** A span as read: ids checked, times raw, attributes already flattened (their drops counted apart). */
export interface ReadSpan extends Omit<PbSpan, 'traceId' | 'spanId' | 'parentSpanId' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'attributes' | 'droppedAttributesCount'> {
  /** Lower-case hex; null when absent, not 16 bytes, or all zero. */
  traceId: string | null;
  /** Lower-case hex; null when absent, not 8 bytes, or all zero. */
  spanId: string | null;
  /** Lower-case hex; null when absent, empty or all zero, which OTLP senders use for a root span. */
  parentSpanId: string | null;
  /** The parent id is none of those (a wrong length, not all zero): the span is invalid. */
  badParentSpanId: boolean;
  startTimeUnixNano: Fixed64 | null;
  endTimeUnixNano: Fixed64 | null;
  attributes: Attributes;
  /** Attributes dropped while flattening, counted only if the span is kept. */
  droppedAttributes: number;
}

export interface ReadResourceSpans {
  resource: PbResource | null;
  spans: ReadSpan[];
}

/**
 * A reader over a Buffer view of the bytes (no copy): protobufjs then reads strings with the native
 * `utf8Slice`, where over a plain Uint8Array it makes a subarray and a JS array per string, which
 * was most of ingest's garbage.
 */
function readerOf(payload: Uint8Array): Reader {
  return protobuf.Reader.create(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)) as Reader;
}

/** What reading one request's spans needs besides its reader. */
interface ReadContext {
  limits: IngestLimits;
  /** Attribute keys, and string values, by their position in the span's attribute list. */
  keys: RecurringStrings;
  values: RecurringStrings;
  /** Span names, in slot 0. */
  names: RecurringStrings;
}

/** Attribute positions whose strings are remembered; spans rarely carry more. */
const ATTRIBUTE_SLOTS = 64;
/** Longer strings are decoded every time: past this, comparing them byte by byte in JS costs about as much. */
const RECURRING_MAX_BYTES = 128;

/**
 * Strings that recur at the same place from one span of a payload to the next. Each slot remembers
 * where in the payload it last decoded a string; when the next string at that slot has the same
 * bytes, it is the same string, and the one decoded before is returned. Decoding a string per
 * attribute key and value was most of decode's allocations, and a reused string keeps its hash, so
 * the property stores and Map lookups made with it later are cheaper too.
 */
class RecurringStrings {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly strings: string[];

  constructor(private readonly slots: number) {
    this.starts = new Array<number>(slots).fill(0);
    this.ends = new Array<number>(slots).fill(0);
    this.strings = new Array<string>(slots).fill('');
  }

  /** A length-delimited string, read like protobufjs's BufferReader does (cut at the end of the payload). */
  read(r: Reader, slot: number): string {
    const length = r.uint32();
    const start = r.pos;
    const end = Math.min(start + length, r.len);
    r.pos = end;
    if (slot >= this.slots || end - start > RECURRING_MAX_BYTES) return r.buf.utf8Slice(start, end);
    const before = this.starts[slot]!;
    if (this.ends[slot]! - before === end - start && sameBytes(r.buf, before, start, end - start)) return this.strings[slot]!;
    const value = r.buf.utf8Slice(start, end);
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.strings[slot] = value;
    return value;
  }
}

/** Compared from the end: values that differ (paths, routes, qualified names) mostly share a prefix. */
function sameBytes(buf: Buffer, a: number, b: number, length: number): boolean {
  for (let i = length - 1; i >= 0; i--) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

export function readTraceRequest(payload: Uint8Array, limits: IngestLimits): ReadResourceSpans[] {
  const r = readerOf(payload);
  const context: ReadContext = {
    limits,
    keys: new RecurringStrings(ATTRIBUTE_SLOTS),
    values: new RecurringStrings(ATTRIBUTE_SLOTS),
    names: new RecurringStrings(1),
  };
  const out: ReadResourceSpans[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) out.push(resourceSpans(r, r.uint32(), context));
    else r.skipType(tag & 7);
  }
  return out;
}

/** Only the resources of a request, its spans skipped: what a pull needs to know before it ingests. */
export function readResources(payload: Uint8Array): PbResource[] {
  const r = readerOf(payload);
  const out: PbResource[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      r.skipType(tag & 7);
      continue;
    }
    const end = r.uint32() + r.pos;
    while (r.pos < end) {
      const inner = r.uint32();
      if (inner >>> 3 === 1) out.push(Resource.decode(r, r.uint32()));
      else r.skipType(inner & 7);
    }
  }
  return out;
}

function resourceSpans(r: Reader, length: number, context: ReadContext): ReadResourceSpans {
  const end = r.pos + length;
  const rs: ReadResourceSpans = { resource: null, spans: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    if (no === 1) rs.resource = Resource.decode(r, r.uint32());
    else if (no === 2) scopeSpans(r, r.uint32(), rs.spans, context);
    else r.skipType(tag & 7);
  }
  return rs;
}

function scopeSpans(r: Reader, length: number, into: ReadSpan[], context: ReadContext): void {
  const end = r.pos + length;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 2) into.push(span(r, r.uint32(), context));
    else r.skipType(tag & 7);
  }
}

function fixed64(r: Reader): Fixed64 {
  const low = r.fixed32();
  const high = r.fixed32();
  return { low, high };
}

/**
 * An id field as hex, read in place (no byte view per id, as `r.bytes()` makes); null when it is
 * not `length` bytes or all zero. Like `r.bytes()`, throws when the field runs past the payload.
 */
function id(r: Reader, length: number): string | null {
  const size = r.uint32();
  const start = r.pos;
  r.skip(size);
  return hexId(r.buf, start, r.pos, length);
}

/** A later parent id field replaces an earlier one, as with any protobuf scalar. */
function parentId(r: Reader, s: ReadSpan): void {
  const size = r.uint32();
  const start = r.pos;
  r.skip(size);
  s.parentSpanId = hexId(r.buf, start, r.pos, 8);
  s.badParentSpanId = s.parentSpanId === null && !isZero(r.buf, start, r.pos);
}

function span(r: Reader, length: number, context: ReadContext): ReadSpan {
  const end = r.pos + length;
  const s: ReadSpan = {
    traceId: null,
    spanId: null,
    parentSpanId: null,
    badParentSpanId: false,
    name: null,
    kind: null,
    startTimeUnixNano: null,
    endTimeUnixNano: null,
    attributes: {},
    droppedAttributes: 0,
    events: [],
    status: null,
  };
  let read = 0;
  let kept = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: s.traceId = id(r, 16); break;
      case 2: s.spanId = id(r, 8); break;
      case 4: parentId(r, s); break;
      case 5: s.name = context.names.read(r, 0); break;
      case 6: s.kind = r.int32(); break;
      case 7: s.startTimeUnixNano = fixed64(r); break;
      case 8: s.endTimeUnixNano = fixed64(r); break;
      case 9:
        if (keyValue(r, r.uint32(), s.attributes, read++, kept, context)) kept++;
        else s.droppedAttributes++;
        break;
      case 11: s.events.push(Event.decode(r, r.uint32())); break;
      case 15: s.status = Status.decode(r, r.uint32()); break;
      default: r.skipType(tag & 7);
    }
  }
  return s;
}

/**
 * The span's `position`th KeyValue into `into`, with flattenAttributes' rules: no key, an empty or
 * over-long key, no value, or past the cap: dropped. Returns whether it was kept.
 */
function keyValue(r: Reader, length: number, into: Attributes, position: number, kept: number, context: ReadContext): boolean {
  const end = r.pos + length;
  const limits = context.limits;
  let key: string | null = null;
  let value: string | number | boolean | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    if (no === 1) key = context.keys.read(r, position);
    else if (no === 2) value = anyValue(r, r.uint32(), position, context);
    else r.skipType(tag & 7);
  }
  if (key === null || key === '' || key.length > limits.maxKeyLength || value === undefined || kept >= limits.maxAttributes) return false;
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
  return true;
}

/**
 * An AnyValue flattened. Scalars are read in place; a value holding an array, a key-value list or
 * bytes is decoded again by the generated decoder and flattened by `flattenAnyValue`, so every
 * precedence rule between set fields stays that function's.
 */
function anyValue(r: Reader, length: number, position: number, context: ReadContext): string | number | boolean | undefined {
  const start = r.pos;
  const end = start + length;
  let str: string | null = null;
  let bool: boolean | null = null;
  let int: Int64 | null = null;
  let dbl: number | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: str = context.values.read(r, position); break;
      case 2: bool = r.bool(); break;
      case 3: int = r.int64() as unknown as Int64; break;
      case 4: dbl = r.double(); break;
      case 5:
      case 6:
      case 7:
        r.pos = start;
        return flattenAnyValue(AnyValue.decode(r, length), context.limits);
      default: r.skipType(tag & 7);
    }
  }
  if (str !== null) return capString(str, context.limits.maxStringLength);
  if (bool !== null) return bool;
  if (int !== null) return int64ToAttr(int);
  if (dbl !== null) return dbl;
  return undefined;
}
