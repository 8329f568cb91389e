/**
 * The structural validator and the JSON conversion: what they accept, what they reject and why,
 * and (fast-check) that no byte string or mutation of a valid request makes them throw anything
 * but their own named error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidJsonRequestError, otlpJsonToProtobuf } from '../../collector/json';
import { otlp } from '../../collector/otlp-root';
import { rewriteRequest, truncateUtf8 } from '../../collector/rewrite';
import { MalformedRequestError, validateOtlp } from '../../collector/validate';
import { decodeTraces, syntheticSpans, traceRequestJson, traceRequestProtobuf } from '../support/collector';

const limits = { maxCount: 128, maxValueBytes: 1024 };

describe('validateOtlp', () => {
  it('counts the spans of a valid request and rejects none', () => {
    const body = traceRequestProtobuf(syntheticSpans(37));
    expect(validateOtlp('traces', body, limits)).toEqual({ signal: 'traces', items: 37, rejected: [], overLimits: 0 });
  });

  it('rejects spans with bad ids or negative durations, by position and with a reason', () => {
    const spans = syntheticSpans(6);
    spans[1]!.traceId = Buffer.alloc(16);
    spans[2]!.spanId = Buffer.from([1, 2, 3]);
    spans[3]!.endNs = spans[3]!.startNs - 1n;
    spans[4]!.parentSpanId = Buffer.from([9, 9]);
    const result = validateOtlp('traces', traceRequestProtobuf(spans), limits);
    expect(result.items).toBe(6);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'trace id is all zeros'],
      [2, 'span id is 3 bytes, must be 8'],
      [3, 'end time is before start time (negative duration)'],
      [4, 'parent span id is 2 bytes, must be 8 or empty'],
    ]);
    expect(result.rejected[2]!.spanId).toBe(spans[3]!.spanId.toString('hex'));
  });

  it('throws MalformedRequestError on bytes that are not the message', () => {
    expect(() => validateOtlp('traces', Buffer.from([0x0a, 0x05, 0x01]), limits)).toThrow(MalformedRequestError);
    // Field 1 (resource_spans) sent as a varint instead of a message.
    expect(() => validateOtlp('traces', Buffer.from([0x08, 0x01]), limits)).toThrow(/wire type 0, the OTLP schema says 2/);
  });

  it('skips unknown fields, as protobuf compatibility requires', () => {
    const body = Buffer.concat([traceRequestProtobuf(syntheticSpans(2)), Buffer.from([0xa0, 0x06, 0x05])]); // field 100, varint
    expect(validateOtlp('traces', body, limits).items).toBe(2);
  });

  it('counts attributes over the caps, and rewriteRequest trims them and records the drop', () => {
    const spans = syntheticSpans(2, 5);
    spans[0]!.attributes!['big'] = 'é'.repeat(40);
    const body = traceRequestProtobuf(spans);
    const tight = { maxCount: 3, maxValueBytes: 11 };
    const result = validateOtlp('traces', body, tight);
    expect(result.overLimits).toBe(3 + 2 + 1); // 6−3 and 5−3 extra attributes, 1 long value
    const trimmed = decodeTraces(rewriteRequest('traces', body, new Set([1]), tight));
    const kept = trimmed[0]!.scopeSpans[0]!.spans;
    expect(kept).toHaveLength(1);
    expect(kept[0]!.attributes).toHaveLength(3);
    expect(kept[0]!.droppedAttributesCount).toBe(3);
    expect(validateOtlp('traces', rewriteRequest('traces', body, new Set(), tight), tight).overLimits).toBe(0);
  });

  it('truncates UTF-8 without splitting a character', () => {
    expect(truncateUtf8('aé€', 4)).toBe('aé');
    expect(truncateUtf8('aé€', 3)).toBe('aé');
    expect(truncateUtf8('aé€', 2)).toBe('a');
  });

  it('never throws anything but MalformedRequestError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom('traces' as const, 'logs' as const), (bytes, signal) => {
        try {
          const r = validateOtlp(signal, bytes, limits);
          expect(r.rejected.length).toBeLessThanOrEqual(r.items);
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedRequestError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but MalformedRequestError on mutated valid requests, and agrees with a full decode', () => {
    const valid = traceRequestProtobuf(syntheticSpans(4, 3));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(valid.length), (edits, cut) => {
        const body = Buffer.from(valid.subarray(0, Math.max(1, cut)));
        for (const [pos, byte] of edits) if (pos < body.length) body[pos] = byte;
        let accepted = false;
        try {
          validateOtlp('traces', body, limits);
          accepted = true;
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedRequestError);
        }
        // Whatever the walker accepts, the official decoder can decode (rewrite.ts relies on it).
        if (accepted) expect(() => otlp.traceRequest.decode(body)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('otlpJsonToProtobuf', () => {
  it('converts hex ids, int64 strings and enums into the same protobuf as the generated encoder', () => {
    const spans = syntheticSpans(3);
    const fromJson = otlpJsonToProtobuf('traces', Buffer.from(JSON.stringify(traceRequestJson(spans))));
    expect(Buffer.compare(fromJson, traceRequestProtobuf(spans))).toBe(0);
  });

  it('accepts int64 as numbers and enum names', () => {
    const json = traceRequestJson(syntheticSpans(1));
    const span = (json.resourceSpans as any)[0].scopeSpans[0].spans[0];
    span.startTimeUnixNano = 1_700_000_000_000;
    span.endTimeUnixNano = '1700000000000000123';
    span.kind = 'SPAN_KIND_CLIENT';
    const decoded = decodeTraces(otlpJsonToProtobuf('traces', Buffer.from(JSON.stringify(json))))[0]!.scopeSpans[0]!.spans[0]!;
    expect([decoded.startTimeUnixNano, decoded.endTimeUnixNano, decoded.kind]).toEqual(['1700000000000', '1700000000000000123', 3]);
  });

  it('names the problem in invalid JSON, non-hex ids and schema mismatches', () => {
    expect(() => otlpJsonToProtobuf('traces', Buffer.from('{"resourceSpans": ['))).toThrow(/not valid JSON/);
    expect(() => otlpJsonToProtobuf('traces', Buffer.from('[1]'))).toThrow(/must be a JSON object/);
    const json = traceRequestJson(syntheticSpans(1));
    (json.resourceSpans as any)[0].scopeSpans[0].spans[0].traceId = 'zz';
    expect(() => otlpJsonToProtobuf('traces', Buffer.from(JSON.stringify(json)))).toThrow(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId must be a hex string/);
    expect(() => otlpJsonToProtobuf('traces', Buffer.from('{"resourceSpans": 5}'))).toThrow(InvalidJsonRequestError);
  });

  it('never throws anything but InvalidJsonRequestError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          otlpJsonToProtobuf('traces', Buffer.from(JSON.stringify({ resourceSpans: [value] })));
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidJsonRequestError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
