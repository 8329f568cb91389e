import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Long from 'long';
import otlpRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { decodeLogsRequest, decodeTraceRequest, emptyDecodeStats, OtlpDecodeError } from '../../language-server/ingest/decode';

// The same static module the SDK's proto exporter encodes with, used here to build payloads the
// SDK cannot produce (int64 beyond 2^53, key-value lists, malformed spans).
interface Encoder {
  encode(message: object): { finish(): Uint8Array };
}
const proto = (otlpRoot as unknown as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: Encoder } } } } };
}).opentelemetry.proto;
const TraceRequest = proto.collector.trace.v1.ExportTraceServiceRequest;

const TRACE_ID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const SPAN_ID = Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i);
const START = Long.fromString('1700000000123456789', true);
const END = Long.fromString('1700000000123459999', true);

function span(overrides: Record<string, unknown>): Record<string, unknown> {
  return { traceId: TRACE_ID, spanId: SPAN_ID, name: 'op', kind: 2, startTimeUnixNano: START, endTimeUnixNano: END, ...overrides };
}

function request(spans: Record<string, unknown>[], resourceAttributes: object[] = []): Uint8Array {
  return TraceRequest.encode({
    resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ spans }] }],
  }).finish();
}

describe('decodeTraceRequest on hand-built payloads', () => {
  it('keeps nanosecond times exact beyond 2^53 and int64 attributes as decimal strings when unsafe', () => {
    const payload = request([
      span({
        attributes: [
          { key: 'big', value: { intValue: Long.fromString('9007199254740993') } },
          { key: 'negative', value: { intValue: Long.fromString('-9223372036854775808') } },
          { key: 'small', value: { intValue: Long.fromNumber(-42) } },
          { key: 'list', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }, { key: '__proto__', value: { stringValue: 'x' } }] } } },
          { key: 'nested', value: { arrayValue: { values: [{ arrayValue: { values: [{ doubleValue: 1.5 }] } }, { boolValue: false }] } } },
          { key: 'raw', value: { bytesValue: new Uint8Array([1, 2, 255]) } },
          { key: 'nan', value: { arrayValue: { values: [{ doubleValue: Number.NaN }] } } },
          { key: 'empty', value: {} },
          { key: '__proto__', value: { stringValue: 'kept as data' } },
          { key: '', value: { stringValue: 'no key' } },
        ],
      }),
    ], [{ key: 'service.name', value: { stringValue: 'inventory' } }]);
    const stats = emptyDecodeStats();
    const [record] = decodeTraceRequest(payload, 1n, undefined, stats);
    expect(record?.traceId).toBe('0102030405060708090a0b0c0d0e0f10');
    expect(record?.spanId).toBe('a0a1a2a3a4a5a6a7');
    expect(record?.parentSpanId).toBeNull();
    expect(record?.startNs).toBe(1700000000123456789n);
    expect(record?.durationNs).toBe(3210);
    expect(record?.service).toBe('inventory');
    expect(record?.environment).toBe('');
    expect(record?.version).toBe('');
    expect(record?.commit).toBeNull();
    const { ['__proto__']: _proto, ...rest } = record?.attributes ?? {};
    expect(rest).toEqual({
      big: '9007199254740993',
      negative: '-9223372036854775808',
      small: -42,
      list: '{"a":1,"__proto__":"x"}',
      nested: '[[1.5],false]',
      raw: 'AQL/',
      nan: '["NaN"]',
    });
    expect(stats.droppedAttributes).toBe(2);
    expect(Object.getPrototypeOf(record?.attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(record?.attributes, '__proto__')?.value).toBe('kept as data');
  });

  it('skips bad spans with a reason and keeps the good ones', () => {
    const payload = request([
      span({ name: 'good' }),
      span({ traceId: new Uint8Array(16) }),
      span({ spanId: new Uint8Array(3) }),
      span({ parentSpanId: Uint8Array.of(1, 2, 3, 4, 5) }),
      span({ kind: 9 }),
      span({ status: { code: 7 } }),
      span({ startTimeUnixNano: undefined }),
      span({ endTimeUnixNano: undefined }),
      span({ endTimeUnixNano: Long.fromString('1600000000000000000', true) }),
      span({ name: 'root with zero parent', parentSpanId: new Uint8Array(8) }),
    ]);
    const stats = emptyDecodeStats();
    const records = decodeTraceRequest(payload, 1n, undefined, stats);
    expect(records.map((r) => r.name)).toEqual(['good', 'root with zero parent']);
    expect(records[1]?.parentSpanId).toBeNull();
    expect(stats.skipped).toEqual({
      'invalid-trace-id': 1,
      'invalid-span-id': 1,
      'invalid-parent-span-id': 1,
      'invalid-kind': 1,
      'invalid-status': 1,
      'missing-start-time': 1,
      'missing-end-time': 1,
      'end-before-start': 1,
    });
    expect(stats.spans).toBe(2);
  });

  it('keeps a long stack trace up to its own cap while other strings use the general cap', () => {
    const stack = 'Error: boom\n' + '    at f (/app/x.js:1:1)\n'.repeat(500);
    const payload = request([
      span({
        events: [{ name: 'exception', timeUnixNano: START, attributes: [
          { key: 'exception.type', value: { stringValue: 'E'.repeat(5000) } },
          { key: 'exception.stacktrace', value: { stringValue: stack } },
        ] }],
      }),
    ]);
    const [record] = decodeTraceRequest(payload, 1n);
    expect(stack.length).toBeGreaterThan(4096);
    expect(record?.exceptions[0]?.stacktrace).toBe(stack);
    expect(record?.exceptions[0]?.type).toHaveLength(4096);
    expect(record?.exceptions[0]?.message).toBe('');
  });
});

describe('span times', () => {
  const time = fc.oneof(
    fc.constant(0n),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    // Near today's nanosecond timestamps, where durations are small and the high words often equal.
    fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_700_000_000_000_000_000n + 2n ** 33n }),
  );

  it('keeps the start exact and the duration as Number(end - start), or skips the span with the reason', () => {
    fc.assert(
      fc.property(time, time, (start, end) => {
        const payload = request([span({ startTimeUnixNano: Long.fromString(start.toString(), true), endTimeUnixNano: Long.fromString(end.toString(), true) })]);
        const stats = emptyDecodeStats();
        const [record] = decodeTraceRequest(payload, 1n, undefined, stats);
        const reason = start === 0n ? 'missing-start-time' : end === 0n ? 'missing-end-time' : end < start ? 'end-before-start' : null;
        if (reason !== null) {
          expect(stats.skipped).toEqual({ [reason]: 1 });
          return;
        }
        expect(record?.startNs).toBe(start);
        expect(record?.durationNs).toBe(Number(end - start));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decoding untrusted bytes', () => {
  it('never throws anything but OtlpDecodeError, and what it returns is well-formed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, asLogs) => {
        try {
          if (asLogs) {
            for (const log of decodeLogsRequest(bytes, 5n)) {
              expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
              expect(typeof log.timeNs).toBe('bigint');
            }
          } else {
            for (const record of decodeTraceRequest(bytes, 5n)) {
              expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
              expect(record.spanId).toMatch(/^[0-9a-f]{16}$/);
              expect(record.durationNs).toBeGreaterThanOrEqual(0);
              expect([0, 1, 2]).toContain(record.statusCode);
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(OtlpDecodeError);
          expect((error as OtlpDecodeError).seq).toBe(5n);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real payloads decode or fail with OtlpDecodeError', () => {
    const valid = request([span({ attributes: [{ key: 'k', value: { stringValue: 'v' } }] })]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (edits) => {
        const bytes = Uint8Array.from(valid);
        for (const [at, value] of edits) bytes[at] = value;
        try {
          decodeTraceRequest(bytes, 9n);
        } catch (error) {
          expect(error).toBeInstanceOf(OtlpDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
