import fc from 'fast-check';
import Long from 'long';
import protobuf from 'protobufjs/minimal';
import { describe, expect, it } from 'vitest';
import otlpRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { flattenAttributes } from '../../language-server/ingest/any-value';
import { decodeTraceRequest, emptyDecodeStats } from '../../language-server/ingest/decode';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from '../../language-server/ingest/limits';
import { traceRequestType } from '../../language-server/ingest/otlp-root';
import { readTraceRequest } from '../../language-server/ingest/span-reader';

interface Encoder {
  encode(message: unknown): { finish(): Uint8Array };
}
const Request = (otlpRoot as unknown as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: Encoder } } } } } }).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const scalar = fc.oneof(
  fc.record({ stringValue: fc.string({ maxLength: 12 }) }),
  fc.record({ boolValue: fc.boolean() }),
  fc.record({ intValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromString(n.toString())) }),
  fc.record({ doubleValue: fc.double() }),
  fc.record({ bytesValue: fc.uint8Array({ maxLength: 6 }) }),
  fc.constant({}),
);
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 3 }) }) }), fc.record({ kvlistValue: fc.record({ values: fc.array(tie('kv'), { maxLength: 3 }) }) })),
  kv: fc.record({ key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'k'.repeat(20), '')), value: tie('value') }, { requiredKeys: ['key'] }),
}));
/** Some values carry two fields at once (a oneof written twice), which decoders must resolve alike. */
const doubled = fc.tuple(scalar, scalar).map(([a, b]) => ({ ...a, ...b }));
const attributes = fc.array(fc.record({ key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'k'.repeat(20), '')), value: fc.oneof(anyValue.value, doubled) }, { requiredKeys: ['key'] }), { maxLength: 14 });

const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, maxAttributes: 9, maxKeyLength: 16, maxStringLength: 10, maxValueDepth: 2 };

function payload(attrs: unknown[][]): Uint8Array {
  const spans = attrs.map((a, i) => ({
    traceId: new Uint8Array(16).fill(i + 1),
    spanId: new Uint8Array(8).fill(i + 1),
    name: `span ${i}`,
    kind: 2,
    startTimeUnixNano: Long.fromString('1700000000000000000', true),
    endTimeUnixNano: Long.fromString('1700000000005000000', true),
    attributes: a,
    traceState: 'vendor=x',
    links: [{ traceId: new Uint8Array(16).fill(9), spanId: new Uint8Array(8).fill(9) }],
  }));
  return Request.encode({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ scope: { name: 'lib' }, spans }] }] }).finish();
}

describe('readTraceRequest', () => {
  it('flattens attributes exactly as the generated decoder plus flattenAttributes do, drops counted alike', () => {
    fc.assert(
      fc.property(fc.array(attributes, { minLength: 1, maxLength: 3 }), (perSpan) => {
        const bytes = payload(perSpan);
        const reference = traceRequestType.decode(bytes).resourceSpans[0]!.scopeSpans[0]!.spans;
        const read = readTraceRequest(bytes, limits)[0]!.spans;
        expect(read).toHaveLength(reference.length);
        let referenceDropped = 0;
        reference.forEach((span, i) => {
          const counters = { droppedAttributes: 0 };
          const expected = flattenAttributes(span.attributes, limits, counters);
          referenceDropped += counters.droppedAttributes;
          expect(read[i]!.attributes).toStrictEqual(expected);
          expect(Object.keys(read[i]!.attributes)).toEqual(Object.keys(expected));
        });
        const stats = emptyDecodeStats();
        decodeTraceRequest(bytes, 1n, limits, stats);
        expect(stats.droppedAttributes).toBe(referenceDropped);
      }),
      { numRuns: 300 },
    );
  });
});

/** Hex of an id, or why the span is skipped, as decode.ts documents the rules. */
function expectedIds(span: { traceId: Uint8Array | null; spanId: Uint8Array | null; parentSpanId: Uint8Array | null }): { traceId: string; spanId: string; parentSpanId: string | null } | string {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const zero = (b: Uint8Array) => b.every((x) => x === 0);
  if (span.traceId === null || span.traceId.length !== 16 || zero(span.traceId)) return 'invalid-trace-id';
  if (span.spanId === null || span.spanId.length !== 8 || zero(span.spanId)) return 'invalid-span-id';
  const parent = span.parentSpanId;
  if (parent !== null && parent.length > 0 && !zero(parent) && parent.length !== 8) return 'invalid-parent-span-id';
  return { traceId: hex(span.traceId), spanId: hex(span.spanId), parentSpanId: parent === null || parent.length === 0 || zero(parent) ? null : hex(parent) };
}

describe('ids read in place', () => {
  /** Mostly `length` bytes (some all zero), else any of the lengths that must be rejected. */
  const id = (length: number) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ minLength: length, maxLength: length }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 3, 8, 16).map((n) => new Uint8Array(n)) },
      { weight: 1, arbitrary: fc.constantFrom(0, 3, 7, 8, 9, 15, 16, 17).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })) },
      { weight: 1, arbitrary: fc.constantFrom(3, 9, 16).chain((n) => fc.nat(n - 1).map((at) => new Uint8Array(n).fill(1, at, at + 1))) },
    );
  /** Fields 1, 2 and 4 of a Span, each written zero to two times (a later one wins). */
  const idFields = fc.tuple(fc.array(id(16), { minLength: 1, maxLength: 2 }), fc.array(id(8), { minLength: 1, maxLength: 2 }), fc.array(id(8), { maxLength: 2 }));

  function spanBytes([traces, spans, parents]: [Uint8Array[], Uint8Array[], Uint8Array[]]): Uint8Array {
    const w = protobuf.Writer.create();
    for (const b of traces) w.uint32((1 << 3) | 2).bytes(b);
    for (const b of spans) w.uint32((2 << 3) | 2).bytes(b);
    for (const b of parents) w.uint32((4 << 3) | 2).bytes(b);
    w.uint32((5 << 3) | 2).string('op');
    w.uint32((7 << 3) | 1).fixed64(Long.fromString('1700000000000000000', true));
    w.uint32((8 << 3) | 1).fixed64(Long.fromString('1700000000000000005', true));
    const span = w.finish();
    // ExportTraceServiceRequest { resource_spans: [{ scope_spans: [{ spans: [span] }] }] }
    const scope = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(span).finish();
    const resource = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(scope).finish();
    return protobuf.Writer.create().uint32((1 << 3) | 2).bytes(resource).finish();
  }

  it('gives the hex, or the skip reason, that the rules give for the last value of each field', () => {
    fc.assert(
      fc.property(idFields, (fields) => {
        const bytes = spanBytes(fields);
        const reference = traceRequestType.decode(bytes).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
        const expected = expectedIds(reference);
        const stats = emptyDecodeStats();
        const [record] = decodeTraceRequest(bytes, 1n, limits, stats);
        if (typeof expected === 'string') {
          expect(record).toBeUndefined();
          expect(stats.skipped).toEqual({ [expected]: 1 });
        } else {
          expect(record && { traceId: record.traceId, spanId: record.spanId, parentSpanId: record.parentSpanId }).toEqual(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('fails the payload, as reading a byte view did, when an id runs past its end', () => {
    const bytes = spanBytes([[new Uint8Array(16).fill(1)], [new Uint8Array(8).fill(2)], []]);
    // Cut inside the span id.
    const cut = bytes.slice(0, bytes.indexOf(2) + 3);
    expect(() => traceRequestType.decode(cut)).toThrow();
    expect(() => readTraceRequest(cut, limits)).toThrow(RangeError);
  });
});

describe('recurring strings', () => {
  // Names, keys and values that repeat, or differ from each other in one byte at the same length,
  // in one or several UTF-8 bytes per character, and past the length that is remembered.
  const word = fc.constantFrom('', 'a', 'b', 'route', 'routf', 'rüute', 'rü', 'ü', '€uro', '€urp', 'x'.repeat(128), 'x'.repeat(127) + 'y', 'x'.repeat(200), 'x'.repeat(199) + 'y');
  const attrs = fc.array(fc.record({ key: word, value: fc.oneof(word.map((s) => ({ stringValue: s })), fc.constant({ intValue: 7 })) }), { maxLength: 6 });

  it('reads every name, key and value as decoding each afresh would', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(word, attrs), { minLength: 1, maxLength: 8 }), (spans) => {
        const bytes = payload(spans.map(([, a]) => a));
        // The names: payload() names spans itself, so they are written over here.
        const request = traceRequestType.decode(bytes);
        const decoded = request.resourceSpans[0]!.scopeSpans[0]!.spans;
        decoded.forEach((s, i) => (s.name = spans[i]![0]));
        const renamed = Request.encode(request).finish();
        const read = readTraceRequest(renamed, DEFAULT_INGEST_LIMITS)[0]!.spans;
        read.forEach((span, i) => {
          expect(span.name).toBe(spans[i]![0]);
          expect(span.attributes).toStrictEqual(flattenAttributes(decoded[i]!.attributes, DEFAULT_INGEST_LIMITS, { droppedAttributes: 0 }));
        });
      }),
      { numRuns: 300 },
    );
  });
});
