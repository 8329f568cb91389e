import fc from 'fast-check';
import Long from 'long';
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
