/**
 * The slow path: a request that must be changed before it is spooled (some spans rejected, or
 * attributes beyond the caps) is decoded in full, edited and re-encoded. Well-behaved senders
 * never take it, which is why validate.ts can stay a walk over the wire format.
 */
import { otlp, type OtlpMessage } from './otlp-root';
import type { AttributeLimits, Signal } from './validate';

/**
 * Returns the request without the items at `drop` (positions in wire order, as validate.ts
 * counted them) and with attributes trimmed to `limits`; trimmed attributes are added to the
 * owner's dropped_attributes_count so the loss stays visible downstream.
 */
export function rewriteRequest(signal: Signal, body: Uint8Array, drop: ReadonlySet<number>, limits: AttributeLimits): Buffer {
  const type = signal === 'traces' ? otlp.traceRequest : otlp.logsRequest;
  const request = type.decode(body);
  const [resourceKey, scopeKey, itemKey] =
    signal === 'traces' ? ['resourceSpans', 'scopeSpans', 'spans'] : ['resourceLogs', 'scopeLogs', 'logRecords'];
  let index = 0;
  for (const resource of list(request[resourceKey])) {
    trimOwner(resource['resource'], limits);
    for (const scope of list(resource[scopeKey])) {
      trimOwner(scope['scope'], limits);
      const kept: OtlpMessage[] = [];
      for (const item of list(scope[itemKey])) {
        if (!drop.has(index++)) {
          trimOwner(item, limits);
          for (const event of list(item['events'])) trimOwner(event, limits);
          for (const link of list(item['links'])) trimOwner(link, limits);
          kept.push(item);
        }
      }
      scope[itemKey] = kept;
    }
  }
  return Buffer.from(type.encode(request).finish());
}

function list(value: unknown): OtlpMessage[] {
  return Array.isArray(value) ? (value as OtlpMessage[]) : [];
}

function trimOwner(owner: unknown, limits: AttributeLimits): void {
  if (!owner || typeof owner !== 'object') return;
  const o = owner as OtlpMessage;
  const attributes = list(o['attributes']);
  let dropped = 0;
  if (attributes.length > limits.maxCount) {
    dropped = attributes.length - limits.maxCount;
    o['attributes'] = attributes.slice(0, limits.maxCount);
  }
  for (const kv of list(o['attributes'])) trimValue(kv['value'], limits.maxValueBytes);
  if (dropped > 0) o['droppedAttributesCount'] = (Number(o['droppedAttributesCount']) || 0) + dropped;
}

/** Shortens string and bytes values (also inside arrays and key-value lists) to `maxBytes`. */
function trimValue(value: unknown, maxBytes: number): void {
  if (!value || typeof value !== 'object') return;
  const v = value as OtlpMessage;
  const s = v['stringValue'];
  if (typeof s === 'string' && Buffer.byteLength(s) > maxBytes) v['stringValue'] = truncateUtf8(s, maxBytes);
  const b = v['bytesValue'];
  if (b instanceof Uint8Array && b.length > maxBytes) v['bytesValue'] = b.subarray(0, maxBytes);
  const array = v['arrayValue'] as OtlpMessage | undefined;
  for (const inner of list(array?.['values'])) trimValue(inner, maxBytes);
  const kvlist = v['kvlistValue'] as OtlpMessage | undefined;
  for (const kv of list(kvlist?.['values'])) trimValue(kv['value'], maxBytes);
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  const bytes = Buffer.from(s, 'utf8');
  let end = Math.min(maxBytes, bytes.length);
  // Back up over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
