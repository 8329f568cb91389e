import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { Resource } from '@opentelemetry/resources';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { HrTime } from '@opentelemetry/api';
import { decodeFrames, decodeLogsRequest, decodeTraceRequest, emptyDecodeStats, OtlpDecodeError } from '../../language-server/ingest/decode';
import { DEFAULT_INGEST_LIMITS } from '../../language-server/ingest/limits';

function hrToNs(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

function recordSpans(resource: Resource, body: (provider: BasicTracerProvider) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource });
  provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
  body(provider);
  return exporter.getFinishedSpans();
}

function serialize(spans: ReadableSpan[]): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error('the SDK serializer produced nothing');
  return bytes;
}

const newResource = new Resource({
  'service.name': 'orders',
  'service.version': '2.4.1',
  'deployment.environment.name': 'production',
  'vcs.ref.head.revision': 'a01dbef8a9c2',
  'host.cpus': 8,
});

describe('decodeTraceRequest on real SDK output', () => {
  it('round-trips ids, times, kind, status, attributes, exceptions and events', () => {
    const spans = recordSpans(newResource, (provider) => {
      const tracer = provider.getTracer('orders-test');
      tracer.startActiveSpan('POST /orders', { kind: SpanKind.SERVER }, (parent) => {
        const child = tracer.startSpan('OrderService.place', {
          attributes: {
            'code.function.name': 'OrderService.place',
            'code.line.number': 42,
            'order.total': 99.95,
            'order.express': true,
            'order.items': ['book', 'pen'],
            'order.quantities': [1, 2],
            'order.flags': [true, false],
            'order.note': 'line one\nline two',
          },
        }, trace.setSpan(context.active(), parent));
        child.addEvent('cache.miss', { 'cache.key': 'order:7' });
        child.recordException(new TypeError('total must be positive'));
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'validation failed' });
        child.end();
        parent.setStatus({ code: SpanStatusCode.OK });
        parent.end();
      });
    });
    expect(spans).toHaveLength(2);

    const stats = emptyDecodeStats();
    const decoded = decodeTraceRequest(serialize(spans), 7n, DEFAULT_INGEST_LIMITS, stats);
    expect(stats.spans).toBe(2);
    expect(stats.skipped).toEqual({});
    expect(decoded).toHaveLength(2);

    for (const sdkSpan of spans) {
      const record = decoded.find((d) => d.spanId === sdkSpan.spanContext().spanId);
      expect(record).toBeDefined();
      if (record === undefined) continue;
      expect(record.traceId).toBe(sdkSpan.spanContext().traceId);
      expect(record.parentSpanId).toBe(sdkSpan.parentSpanId ?? null);
      expect(record.name).toBe(sdkSpan.name);
      expect(record.kind).toBe(sdkSpan.kind + 1);
      expect(record.startNs).toBe(hrToNs(sdkSpan.startTime));
      expect(record.durationNs).toBe(Number(hrToNs(sdkSpan.endTime) - hrToNs(sdkSpan.startTime)));
      expect(record.statusCode).toBe(sdkSpan.status.code);
      expect(record.statusMessage).toBe(sdkSpan.status.message ?? '');
      expect(record.service).toBe('orders');
      expect(record.environment).toBe('production');
      expect(record.version).toBe('2.4.1');
      expect(record.commit).toBe('a01dbef8a9c2');
      expect({ ...record.resource }).toEqual(sdkSpan.resource.attributes);
    }

    const child = decoded.find((d) => d.name === 'OrderService.place');
    expect(child?.parentSpanId).toBe(decoded.find((d) => d.name === 'POST /orders')?.spanId);
    expect(child?.statusCode).toBe(2);
    expect({ ...child?.attributes }).toEqual({
      'code.function.name': 'OrderService.place',
      'code.line.number': 42,
      'order.total': 99.95,
      'order.express': true,
      'order.items': '["book","pen"]',
      'order.quantities': '[1,2]',
      'order.flags': '[true,false]',
      'order.note': 'line one\nline two',
    });

    const sdkChild = spans.find((s) => s.name === 'OrderService.place');
    const sdkException = sdkChild?.events.find((e) => e.name === 'exception');
    expect(child?.exceptions).toEqual([
      {
        type: 'TypeError',
        message: 'total must be positive',
        stacktrace: sdkException?.attributes?.['exception.stacktrace'],
        source: 'event',
      },
    ]);
    expect(child?.exceptions[0]?.stacktrace).toContain('TypeError: total must be positive');
    const sdkEvent = sdkChild?.events.find((e) => e.name === 'cache.miss');
    expect(child?.events?.map((e) => ({ ...e, attributes: { ...e.attributes } }))).toEqual([
      { name: 'cache.miss', timeNs: sdkEvent ? hrToNs(sdkEvent.time) : -1n, attributes: { 'cache.key': 'order:7' } },
    ]);
  });

  it('falls back to the old deployment.environment and to vcs.ref.head.revision as version', () => {
    const resource = new Resource({
      'service.name': 'billing',
      'deployment.environment': 'staging',
      'vcs.ref.head.revision': '9f8e7d6',
    });
    const spans = recordSpans(resource, (provider) => provider.getTracer('t').startSpan('charge').end());
    const [record] = decodeTraceRequest(serialize(spans), 1n);
    expect(record?.environment).toBe('staging');
    expect(record?.version).toBe('9f8e7d6');
    expect(record?.commit).toBe('9f8e7d6');
  });

  it('prefers deployment.environment.name over the old name and reads git.commit.sha', () => {
    const resource = new Resource({
      'service.name': 'billing',
      'deployment.environment': 'old-name',
      'deployment.environment.name': 'new-name',
      'deployment.id': 'deploy-77',
      'git.commit.sha': 'c0ffee1',
    });
    const spans = recordSpans(resource, (provider) => provider.getTracer('t').startSpan('charge').end());
    const [record] = decodeTraceRequest(serialize(spans), 1n);
    expect(record?.environment).toBe('new-name');
    expect(record?.version).toBe('deploy-77');
    expect(record?.commit).toBe('c0ffee1');
  });

  it('caps attribute counts and string lengths', () => {
    const limits = { ...DEFAULT_INGEST_LIMITS, maxAttributes: 3, maxStringLength: 10 };
    const spans = recordSpans(newResource, (provider) =>
      provider
        .getTracer('t')
        .startSpan('s', { attributes: { a: 'x'.repeat(50), b: 1, c: 2, d: 3, e: 4 } })
        .end(),
    );
    const stats = emptyDecodeStats();
    const [record] = decodeTraceRequest(serialize(spans), 1n, limits, stats);
    expect(Object.keys(record?.attributes ?? {})).toEqual(['a', 'b', 'c']);
    expect(record?.attributes['a']).toBe('xxxxxxxxx…');
    // Two span attributes over the cap, plus every resource attribute past the third (the SDK adds
    // its telemetry.sdk.* attributes to ours).
    const resourceCount = Object.keys(spans[0]?.resource.attributes ?? {}).length;
    expect(resourceCount).toBeGreaterThan(3);
    expect(stats.droppedAttributes).toBe(2 + resourceCount - 3);
  });
});

describe('decodeLogsRequest on real SDK output', () => {
  it('turns log records with exception.* and a span context into LogExceptions', () => {
    const logExporter = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ resource: newResource });
    loggerProvider.addLogRecordProcessor(new SimpleLogRecordProcessor(logExporter));
    const logger = loggerProvider.getLogger('orders-test');
    const spans = recordSpans(newResource, (provider) => {
      const span = provider.getTracer('t').startSpan('OrderService.place');
      const ctx = trace.setSpan(context.active(), span);
      logger.emit({
        context: ctx,
        body: 'order failed',
        attributes: {
          'exception.type': 'InsufficientStock',
          'exception.message': 'sku 12 out of stock',
          'exception.stacktrace': 'InsufficientStock: sku 12 out of stock\n    at place (/app/dist/orders.js:10:5)',
        },
      });
      logger.emit({ context: ctx, body: 'plain log line', attributes: { 'http.route': '/orders' } });
      logger.emit({ body: 'exception without a span', attributes: { 'exception.type': 'Orphan' } });
      span.end();
    });
    const sdkLogs = logExporter.getFinishedLogRecords();
    const bytes = ProtobufLogsSerializer.serializeRequest(sdkLogs);
    if (bytes === undefined) throw new Error('the SDK serializer produced nothing');

    const stats = emptyDecodeStats();
    const logs = decodeLogsRequest(bytes, 3n, DEFAULT_INGEST_LIMITS, stats);
    expect(stats.ignoredLogs).toBe(1);
    expect(stats.skipped).toEqual({ 'invalid-trace-id': 1 });
    expect(logs).toEqual([
      {
        traceId: spans[0]?.spanContext().traceId,
        spanId: spans[0]?.spanContext().spanId,
        timeNs: hrToNs(sdkLogs[0]!.hrTime),
        service: 'orders',
        environment: 'production',
        version: '2.4.1',
        exception: {
          type: 'InsufficientStock',
          message: 'sku 12 out of stock',
          stacktrace: 'InsufficientStock: sku 12 out of stock\n    at place (/app/dist/orders.js:10:5)',
          source: 'log',
        },
      },
    ]);
  });
});

describe('decodeFrames', () => {
  it('decodes good batches and reports an undecodable one by sequence number', () => {
    const spans = recordSpans(newResource, (provider) => provider.getTracer('t').startSpan('ok').end());
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const result = decodeFrames([
      { kind: 'traces', seq: 10n, receivedAtMs: 1, payload: serialize(spans) },
      { kind: 'traces', seq: 11n, receivedAtMs: 2, payload: garbage },
    ]);
    expect(result.spans.map((s) => s.name)).toEqual(['ok']);
    expect(result.undecodable).toHaveLength(1);
    expect(result.undecodable[0]).toBeInstanceOf(OtlpDecodeError);
    expect(result.undecodable[0]?.seq).toBe(11n);
    expect(result.undecodable[0]?.message).toMatch(/^batch 11 is not a valid OTLP traces request/);
  });
});
