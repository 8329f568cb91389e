/**
 * The hot path of trace decoding: walks `ExportTraceServiceRequest` bytes with protobufjs's Reader
 * and flattens span attributes straight into `Attributes`, without building the generated
 * decoder's KeyValue/AnyValue objects for every attribute (those objects were most of decode's
 * time and of ingest's garbage). Everything rarer (resources, events, status, arrays, key-value
 * lists, bytes) is decoded by the generated decoders and flattened by any-value.ts exactly as
 * before, so the output is the same as `traceRequestType.decode` followed by `flattenAttributes`.
 * Field numbers: opentelemetry-proto v1. Like the generated code, a field is read by its number
 * and anything else is skipped by wire type.
 */
import protobuf from 'protobufjs/minimal';
import otlpRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import type { Attributes } from './span';
import type { Int64, PbAnyValue, PbEvent, PbResource, PbSpan } from './otlp-root';
import { flattenAnyValue, int64ToAttr, type FlattenCounters } from './any-value';
import { capString, type IngestLimits } from './limits';

type Reader = protobuf.Reader;
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

/** A span as read: ids and times raw, attributes already flattened (their drops counted apart). */
export interface ReadSpan extends Omit<PbSpan, 'attributes' | 'droppedAttributesCount'> {
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
  return protobuf.Reader.create(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
}

export function readTraceRequest(payload: Uint8Array, limits: IngestLimits): ReadResourceSpans[] {
  const r = readerOf(payload);
  const out: ReadResourceSpans[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) out.push(resourceSpans(r, r.uint32(), limits));
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

function resourceSpans(r: Reader, length: number, limits: IngestLimits): ReadResourceSpans {
  const end = r.pos + length;
  const rs: ReadResourceSpans = { resource: null, spans: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    if (no === 1) rs.resource = Resource.decode(r, r.uint32());
    else if (no === 2) scopeSpans(r, r.uint32(), rs.spans, limits);
    else r.skipType(tag & 7);
  }
  return rs;
}

function scopeSpans(r: Reader, length: number, into: ReadSpan[], limits: IngestLimits): void {
  const end = r.pos + length;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 2) into.push(span(r, r.uint32(), limits));
    else r.skipType(tag & 7);
  }
}

function fixed64(r: Reader): Int64 {
  const low = r.fixed32();
  const high = r.fixed32();
  return { low, high, unsigned: true };
}

function span(r: Reader, length: number, limits: IngestLimits): ReadSpan {
  const end = r.pos + length;
  const s: ReadSpan = {
    traceId: null,
    spanId: null,
    parentSpanId: null,
    name: null,
    kind: null,
    startTimeUnixNano: null,
    endTimeUnixNano: null,
    attributes: {},
    droppedAttributes: 0,
    events: [],
    status: null,
  };
  const counters: FlattenCounters = { droppedAttributes: 0 };
  let kept = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: s.traceId = r.bytes(); break;
      case 2: s.spanId = r.bytes(); break;
      case 4: s.parentSpanId = r.bytes(); break;
      case 5: s.name = r.string(); break;
      case 6: s.kind = r.int32(); break;
      case 7: s.startTimeUnixNano = fixed64(r); break;
      case 8: s.endTimeUnixNano = fixed64(r); break;
      case 9: if (keyValue(r, r.uint32(), s.attributes, kept, limits, counters)) kept++; break;
      case 11: s.events.push(Event.decode(r, r.uint32())); break;
      case 15: s.status = Status.decode(r, r.uint32()); break;
      default: r.skipType(tag & 7);
    }
  }
  s.droppedAttributes = counters.droppedAttributes;
  return s;
}

/**
 * One KeyValue into `into`, with flattenAttributes' rules: no key, an empty or over-long key, no
 * value, or past the cap: dropped and counted. Returns whether it was kept.
 */
function keyValue(r: Reader, length: number, into: Attributes, kept: number, limits: IngestLimits, counters: FlattenCounters): boolean {
  const end = r.pos + length;
  let key: string | null = null;
  let value: string | number | boolean | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    if (no === 1) key = r.string();
    else if (no === 2) value = anyValue(r, r.uint32(), limits);
    else r.skipType(tag & 7);
  }
  if (key === null || key === '' || key.length > limits.maxKeyLength || value === undefined || kept >= limits.maxAttributes) {
    counters.droppedAttributes++;
    return false;
  }
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
  return true;
}

/**
 * An AnyValue flattened. Scalars are read in place; a value holding an array, a key-value list or
 * bytes is decoded again by the generated decoder and flattened by `flattenAnyValue`, so every
 * precedence rule between set fields stays that function's.
 */
function anyValue(r: Reader, length: number, limits: IngestLimits): string | number | boolean | undefined {
  const start = r.pos;
  const end = start + length;
  let str: string | null = null;
  let bool: boolean | null = null;
  let int: Int64 | null = null;
  let dbl: number | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: str = r.string(); break;
      case 2: bool = r.bool(); break;
      case 3: int = r.int64() as unknown as Int64; break;
      case 4: dbl = r.double(); break;
      case 5:
      case 6:
      case 7:
        r.pos = start;
        return flattenAnyValue(AnyValue.decode(r, length), limits);
      default: r.skipType(tag & 7);
    }
  }
  if (str !== null) return capString(str, limits.maxStringLength);
  if (bool !== null) return bool;
  if (int !== null) return int64ToAttr(int);
  if (dbl !== null) return dbl;
  return undefined;
}
