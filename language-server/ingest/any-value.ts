/**
 * Flattening OTLP `AnyValue`s and ids into the plain values `SpanRecord` carries. Everything here is
 * attacker-influenced telemetry, so every string is capped and every shape is checked.
 */
import type { AttrValue, Attributes } from './span';
import type { Int64, PbAnyValue, PbKeyValue } from './otlp-root';
import { capString, type IngestLimits } from './limits';

/** Counters that flattening bumps, owned by whoever decodes a batch. */
export interface FlattenCounters {
  droppedAttributes: number;
}

const TWO_POW_32 = 4_294_967_296;

/** An unsigned 64-bit field (fixed64 timestamps) as an exact bigint. */
export function uint64ToBigInt(value: Int64): bigint {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** A signed int64 attribute: a number while it is exact, else its decimal string. */
export function int64ToAttr(value: Int64): number | string {
  if (typeof value === 'number') return value;
  // high * 2^32 + low is exact whenever the true value is a safe integer; when it is not, the
  // rounded sum is not a safe integer either, so the check below never accepts a rounded value.
  const approx = (value.high | 0) * TWO_POW_32 + (value.low >>> 0);
  if (Number.isSafeInteger(approx)) return approx;
  return BigInt.asIntN(64, (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)).toString();
}

/** Lower-case hex of an id, or null when the bytes are absent, the wrong length, or all zero. */
export function idToHex(bytes: Uint8Array | null, length: number): string | null {
  if (bytes === null || bytes.length !== length) return null;
  return hexId(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength, length);
}

/** Lower-case hex of the id in `buf[start, end)`, or null when it is not `length` bytes or all zero. */
export function hexId(buf: Buffer, start: number, end: number, length: number): string | null {
  if (end - start !== length || isZero(buf, start, end)) return null;
  return buf.toString('hex', start, end);
}

/** Whether `bytes[start, end)` are all zero (an empty range is). */
export function isZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** A top-level attribute value; undefined when the AnyValue holds nothing. */
export function flattenAnyValue(value: PbAnyValue | null, limits: IngestLimits): AttrValue | undefined {
  if (value === null) return undefined;
  if (value.stringValue !== null) return capString(value.stringValue, limits.maxStringLength);
  if (value.boolValue !== null) return value.boolValue;
  if (value.intValue !== null) return int64ToAttr(value.intValue);
  if (value.doubleValue !== null) return value.doubleValue;
  if (value.arrayValue !== null || value.kvlistValue !== null) {
    const json = JSON.stringify(toJsonValue(value, limits, 0));
    return capString(json, limits.maxStringLength);
  }
  if (value.bytesValue !== null) {
    return capString(Buffer.from(value.bytesValue).toString('base64'), limits.maxStringLength);
  }
  return undefined;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Arrays and key-value lists become JSON; values JSON cannot hold (NaN, ±Infinity) become strings. */
function toJsonValue(value: PbAnyValue | null, limits: IngestLimits, depth: number): JsonValue {
  if (value === null) return null;
  if (value.arrayValue !== null || value.kvlistValue !== null) {
    if (depth >= limits.maxValueDepth) return '…';
    if (value.arrayValue !== null) {
      const items = value.arrayValue.values.slice(0, limits.maxAttributes);
      return items.map((item) => toJsonValue(item, limits, depth + 1));
    }
    const out: { [key: string]: JsonValue } = {};
    for (const kv of (value.kvlistValue?.values ?? []).slice(0, limits.maxAttributes)) {
      if (kv.key === null || kv.key === '' || kv.key.length > limits.maxKeyLength) continue;
      setOwn(out, kv.key, toJsonValue(kv.value, limits, depth + 1));
    }
    return out;
  }
  const flat = flattenAnyValue(value, limits);
  if (flat === undefined) return null;
  if (typeof flat === 'number' && !Number.isFinite(flat)) return String(flat);
  return flat;
}

/**
 * Assigns a key from telemetry as an own data property. Plain `obj[key] = v` would treat `__proto__`
 * as the prototype setter; prototype-less maps would avoid that but put V8 objects in slow
 * dictionary mode, which costs a tenth of ingest throughput.
 */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Key-value pairs as a plain map with every key an own property (`__proto__` included). Pairs with
 * an empty or over-long key, or no value, are dropped and counted; so is everything past the cap.
 */
export function flattenAttributes(
  pairs: readonly PbKeyValue[],
  limits: IngestLimits,
  counters: FlattenCounters,
): Attributes {
  const out: Attributes = {};
  let kept = 0;
  for (const kv of pairs) {
    const key = kv.key;
    const value = key === null || key === '' || key.length > limits.maxKeyLength ? undefined : flattenAnyValue(kv.value, limits);
    if (key === null || value === undefined || kept >= limits.maxAttributes) {
      counters.droppedAttributes++;
      continue;
    }
    setOwn(out, key, value);
    kept++;
  }
  return out;
}

/** An attribute as text, for fields that must be strings (service name, exception type). */
export function attrString(attrs: Attributes, key: string): string | undefined {
  const value = attrs[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : String(value);
}
