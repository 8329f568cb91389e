/**
 * Structural validation of OTLP protobuf requests without decoding them into objects.
 *
 * The collector is a durable queue, not a span database, so it only needs to know that a request
 * is well-formed OTLP with sane ids and times, how many spans or log records it holds, and which
 * of them it must reject or trim. Walking the wire format with protobufjs's `Reader`, guided by the
 * schema table in otlp-schema.ts, answers all of that while allocating nothing per span; a full
 * decode costs several times more and is only done (rewrite.ts) when something must be changed.
 */
import { Reader } from 'protobufjs/minimal';
import { OTLP_SCHEMA, WIRE_TYPE, type FieldRole, type MessageName } from './otlp-schema';

export type Signal = 'traces' | 'logs';

/** A request that is not well-formed OTLP protobuf at all: answered 400 as a whole. */
export class MalformedRequestError extends Error {
  override name = 'MalformedRequestError';
}

/** One span or log record the collector refuses, by its position in the request. */
export interface Rejection {
  /** 0-based position among all spans (or log records) of the request, in wire order. */
  index: number;
  /** The span id in hex when it had one, for the error message. */
  spanId: string;
  reason: string;
}

export interface ValidationResult {
  signal: Signal;
  /** Spans (traces) or log records (logs) in the request, including rejected ones. */
  items: number;
  rejected: Rejection[];
  /** Attributes beyond the count cap plus attribute values beyond the length cap. */
  overLimits: number;
}

export interface AttributeLimits {
  /** Most attributes kept per span, event, link, resource, scope or log record. */
  maxCount: number;
  /** Longest string or bytes attribute value kept, in bytes. */
  maxValueBytes: number;
}

/** Nesting beyond this (AnyValue arrays within arrays…) is refused rather than recursed into. */
const MAX_DEPTH = 48;

const ROOT: Record<Signal, MessageName> = { traces: 'ExportTraceServiceRequest', logs: 'ExportLogsServiceRequest' };

interface Walk {
  reader: Reader;
  buf: Uint8Array;
  limits: AttributeLimits;
  items: number;
  rejected: Rejection[];
  overLimits: number;
}

/**
 * Validates `body` as an `ExportTraceServiceRequest` or `ExportLogsServiceRequest`.
 * Throws MalformedRequestError when the bytes are not that message; per-item problems (bad ids,
 * end before start) are returned as rejections instead, so the rest of the batch can be kept.
 */
export function validateOtlp(signal: Signal, body: Uint8Array, limits: AttributeLimits): ValidationResult {
  const walk: Walk = { reader: Reader.create(body), buf: body, limits, items: 0, rejected: [], overLimits: 0 };
  try {
    walkMessage(walk, COMPILED[ROOT[signal]], body.length, 0, false);
  } catch (err) {
    // protobufjs throws RangeError/Error on truncated varints and invalid wire types.
    const detail = err instanceof MalformedRequestError ? err.message : `${err instanceof Error ? err.message : String(err)} near byte ${walk.reader.pos}`;
    throw new MalformedRequestError(`the body is not a valid ${ROOT[signal]}: ${detail}`);
  }
  return { signal, items: walk.items, rejected: walk.rejected, overLimits: walk.overLimits };
}

/** What one Span or LogRecord said about itself, gathered while its fields go by. */
interface ItemFacts {
  traceIdLen: number;
  traceIdZero: boolean;
  spanIdStart: number;
  spanIdLen: number;
  spanIdZero: boolean;
  parentLen: number;
  startHi: number;
  startLo: number;
  endHi: number;
  endLo: number;
}

/**
 * The schema table compiled for the walk: fields in arrays indexed by field number and roles as
 * small integers, so the per-field work is array reads and integer compares. This is where the
 * walk gets its speed over a full decode.
 */
const Role = { None: 0, TraceId: 1, SpanId: 2, ParentSpanId: 3, Start: 4, End: 5, Attribute: 6, Value: 7 } as const;
type Role = (typeof Role)[keyof typeof Role];
const Item = { None: 0, Span: 1, LogRecord: 2 } as const;
type Item = (typeof Item)[keyof typeof Item];
interface CompiledField {
  name: string;
  wire: number;
  child: CompiledMessage | null;
  role: Role;
}
interface CompiledMessage {
  name: MessageName;
  fields: Array<CompiledField | undefined>;
  item: Item;
}

const ROLE_CODE: Record<FieldRole, Role> = {
  traceId: Role.TraceId,
  spanId: Role.SpanId,
  parentSpanId: Role.ParentSpanId,
  start: Role.Start,
  end: Role.End,
  time: Role.None,
  attribute: Role.Attribute,
  value: Role.Value,
  span: Role.None,
  logRecord: Role.None,
};

function compileSchema(): Record<MessageName, CompiledMessage> {
  const names = Object.keys(OTLP_SCHEMA) as MessageName[];
  const compiled = {} as Record<MessageName, CompiledMessage>;
  for (const name of names) compiled[name] = { name, fields: [], item: name === 'Span' ? Item.Span : name === 'LogRecord' ? Item.LogRecord : Item.None };
  for (const name of names) {
    for (const [no, spec] of Object.entries(OTLP_SCHEMA[name])) {
      compiled[name].fields[Number(no)] = {
        name: spec.name,
        wire: WIRE_TYPE[spec.type],
        child: spec.message ? compiled[spec.message] : null,
        role: spec.role ? ROLE_CODE[spec.role] : Role.None,
      };
    }
  }
  return compiled;
}

const COMPILED = compileSchema();

/** Reads a varint that fits in one or two bytes inline; longer ones go through the Reader. */
function varint(r: Reader, buf: Uint8Array): number {
  const pos = r.pos;
  const b0 = buf[pos]!;
  if (b0 < 0x80 && pos < buf.length) {
    r.pos = pos + 1;
    return b0;
  }
  const b1 = buf[pos + 1]!;
  if (b1 < 0x80 && pos + 1 < buf.length) {
    r.pos = pos + 2;
    return (b0 & 0x7f) | (b1 << 7);
  }
  return r.uint32();
}

function walkMessage(walk: Walk, type: CompiledMessage, end: number, depth: number, inAttribute: boolean): void {
  if (depth > MAX_DEPTH) throw new MalformedRequestError(`${type.name} is nested more than ${MAX_DEPTH} levels deep`);
  const fields = type.fields;
  const r = walk.reader;
  const buf = walk.buf;
  const facts: ItemFacts | null = type.item !== Item.None ? newFacts() : null;
  let attributes = 0;
  while (r.pos < end) {
    const tag = varint(r, buf);
    const fieldNo = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNo === 0) throw new MalformedRequestError(`${type.name} has a field numbered 0 at byte ${r.pos}`);
    const field = fields[fieldNo];
    if (field === undefined) {
      // Unknown fields are allowed by protobuf's compatibility rules; skip them exactly.
      r.skipType(wireType);
      if (r.pos > end) throw overrun(type.name);
      continue;
    }
    if (field.wire !== wireType) {
      throw new MalformedRequestError(`${type.name}.${field.name} has wire type ${wireType}, the OTLP schema says ${field.wire}`);
    }
    if (wireType === 2) {
      const len = varint(r, buf);
      const start = r.pos;
      if (start + len > end) throw overrun(type.name);
      if (field.child !== null) {
        if (field.role === Role.Attribute) {
          attributes++;
          if (!simpleAttribute(walk, start, start + len)) walkMessage(walk, field.child, start + len, depth + 1, true);
        } else {
          walkMessage(walk, field.child, start + len, depth + 1, inAttribute);
        }
      } else if (field.role !== Role.None) {
        if (facts !== null) noteBytes(facts, field.role, buf, start, len);
        else if (inAttribute && field.role === Role.Value && len > walk.limits.maxValueBytes) walk.overLimits++;
      }
      r.pos = start + len;
    } else if (wireType === 0) {
      r.skipType(0);
    } else if (wireType === 1) {
      if (r.pos + 8 > end) throw overrun(type.name);
      if (facts !== null && field.role !== Role.None) noteTime(facts, field.role, buf, r.pos);
      r.pos += 8;
    } else {
      if (r.pos + 4 > end) throw overrun(type.name);
      r.pos += 4;
    }
  }
  if (r.pos !== end) throw overrun(type.name);
  if (attributes > walk.limits.maxCount) walk.overLimits += attributes - walk.limits.maxCount;
  if (facts !== null) {
    const reason = type.item === Item.Span ? spanProblem(facts) : logProblem(facts);
    if (reason) walk.rejected.push({ index: walk.items, spanId: spanIdHex(buf, facts), reason });
    walk.items++;
  }
}

/**
 * The common attribute shape, checked inline: KeyValue { key = 1 (string); value = 2 AnyValue {
 * one string, bool, int or double } } with canonical one- or two-byte lengths. Anything else
 * (arrays, maps, bytes, unknown fields, odd encodings) returns false and takes the general walk,
 * so this only saves the two nested calls per attribute, never changes what is accepted.
 */
function simpleAttribute(walk: Walk, start: number, end: number): boolean {
  const buf = walk.buf;
  let pos = start;
  if (buf[pos] !== 0x0a) return false;
  let len = buf[pos + 1]!;
  if (len >= 0x80) return false;
  pos += 2 + len;
  if (pos + 2 > end || buf[pos] !== 0x12) return false;
  len = buf[pos + 1]!;
  if (len >= 0x80 || pos + 2 + len !== end) return false;
  pos += 2;
  const tag = buf[pos];
  if (tag === 0x0a) {
    // string_value: the rest of the AnyValue must be exactly this string.
    let vlen = buf[pos + 1]!;
    let header = 2;
    if (vlen >= 0x80) {
      const b2 = buf[pos + 2]!;
      if (b2 >= 0x80) return false;
      vlen = (vlen & 0x7f) | (b2 << 7);
      header = 3;
    }
    if (pos + header + vlen !== end) return false;
    if (vlen > walk.limits.maxValueBytes) walk.overLimits++;
    return true;
  }
  if (tag === 0x21) return pos + 9 === end; // double_value
  if (tag === 0x10 || tag === 0x18) {
    // bool_value or int_value: a varint of at most 10 bytes that ends the AnyValue.
    let p = pos + 1;
    while (p < end && p - pos <= 10 && buf[p]! >= 0x80) p++;
    return p + 1 === end && buf[p]! < 0x80;
  }
  return false;
}

function newFacts(): ItemFacts {
  return { traceIdLen: 0, traceIdZero: true, spanIdStart: 0, spanIdLen: 0, spanIdZero: true, parentLen: 0, startHi: 0, startLo: 0, endHi: 0, endLo: 0 };
}

function overrun(type: string): MalformedRequestError {
  return new MalformedRequestError(`a field of ${type} runs past the end of its enclosing message`);
}

function allZero(buf: Uint8Array, start: number, len: number): boolean {
  for (let i = start; i < start + len; i++) if (buf[i] !== 0) return false;
  return true;
}

function noteBytes(facts: ItemFacts, role: Role, buf: Uint8Array, start: number, len: number): void {
  if (role === Role.TraceId) {
    facts.traceIdLen = len;
    facts.traceIdZero = allZero(buf, start, len);
  } else if (role === Role.SpanId) {
    facts.spanIdStart = start;
    facts.spanIdLen = len;
    facts.spanIdZero = allZero(buf, start, len);
  } else if (role === Role.ParentSpanId) {
    facts.parentLen = len;
  }
}

function noteTime(facts: ItemFacts, role: Role, buf: Uint8Array, pos: number): void {
  const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
  const hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
  if (role === Role.Start) {
    facts.startHi = hi;
    facts.startLo = lo;
  } else if (role === Role.End) {
    facts.endHi = hi;
    facts.endLo = lo;
  }
}

function spanProblem(f: ItemFacts): string | null {
  if (f.traceIdLen !== 16) return `trace id is ${f.traceIdLen} bytes, must be 16`;
  if (f.traceIdZero) return 'trace id is all zeros';
  if (f.spanIdLen !== 8) return `span id is ${f.spanIdLen} bytes, must be 8`;
  if (f.spanIdZero) return 'span id is all zeros';
  if (f.parentLen !== 0 && f.parentLen !== 8) return `parent span id is ${f.parentLen} bytes, must be 8 or empty`;
  if (f.startHi === 0 && f.startLo === 0) return 'start time is missing (0)';
  if (f.endHi < f.startHi || (f.endHi === f.startHi && f.endLo < f.startLo)) return 'end time is before start time (negative duration)';
  return null;
}

function logProblem(f: ItemFacts): string | null {
  if (f.traceIdLen !== 0 && f.traceIdLen !== 16) return `trace id is ${f.traceIdLen} bytes, must be 16 or empty`;
  if (f.spanIdLen !== 0 && f.spanIdLen !== 8) return `span id is ${f.spanIdLen} bytes, must be 8 or empty`;
  return null;
}

function spanIdHex(buf: Uint8Array, f: ItemFacts): string {
  if (f.spanIdLen === 0 || f.spanIdLen > 32) return '';
  return Buffer.from(buf.buffer, buf.byteOffset + f.spanIdStart, f.spanIdLen).toString('hex');
}
