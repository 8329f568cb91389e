/**
 * The real OpenTelemetry JS SDK, with each of its OTLP trace exporters, sends spans to a real
 * collector; pulling must give back exactly those spans with their ids, times, attributes,
 * status and events.
 */
import { SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { pullAll, spansOf, startTestCollector, type TestCollector } from '../support/collector';

const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');
const ns = (t: HrTime) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

/** What a pulled attribute list says, as a plain key → value map. */
function attributeMap(list: Array<{ key: string; value: Record<string, unknown> }>): Attributes {
  const out: Attributes = {};
  for (const { key, value } of list) {
    const v = value['stringValue'] ?? value['boolValue'] ?? value['doubleValue'] ?? (value['intValue'] !== undefined ? Number(value['intValue']) : undefined);
    out[key] = v as string | number | boolean;
  }
  return out;
}

async function sendWithSdk(exporter: SpanExporter, service: string): Promise<ReadableSpan[]> {
  const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': service, 'service.version': '1.2.3' }) });
  const finished: ReadableSpan[] = [];
  provider.addSpanProcessor(new BatchSpanProcessor(exporter, { maxExportBatchSize: 7, scheduledDelayMillis: 1 }));
  provider.addSpanProcessor({ onStart: () => undefined, onEnd: (s) => void finished.push(s), forceFlush: async () => undefined, shutdown: async () => undefined });
  const tracer = provider.getTracer('prodlens-test', '0.0.1');
  for (let i = 0; i < 20; i++) {
    const parent = tracer.startSpan(`GET /orders/${i % 3}`, { attributes: { 'http.route': '/orders/:id', 'http.status_code': 200 + i, 'retry': i % 2 === 0, 'ratio': i / 8 } });
    parent.addEvent('cache.miss', { key: `order:${i}` });
    if (i % 5 === 0) {
      parent.recordException(new Error(`boom ${i}`));
      parent.setStatus({ code: SpanStatusCode.ERROR, message: `failed ${i}` });
    }
    parent.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
  return finished;
}

describe('real OpenTelemetry SDK exporters → collector → pull', () => {
  let collector: TestCollector;
  afterEach(async () => collector?.dispose());

  const cases: Array<[string, (c: TestCollector) => SpanExporter]> = [
    ['http/json', (c) => new JsonExporter({ url: `${c.httpUrl}/v1/traces` })],
    ['http/protobuf', (c) => new ProtoExporter({ url: `${c.httpUrl}/v1/traces` })],
    ['grpc', (c) => new GrpcExporter({ url: `http://${c.grpcAddress}` })],
  ];

  for (const [name, makeExporter] of cases) {
    it(`returns exactly the spans sent over ${name}`, async () => {
      collector = await startTestCollector();
      const sent = await sendWithSdk(makeExporter(collector), `svc-${name}`);
      expect(sent).toHaveLength(20);

      const { batches, next } = await pullAll(collector.httpUrl, collector.token);
      expect(batches.length).toBeGreaterThanOrEqual(3); // 20 spans in batches of at most 7
      expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
      expect(next).toBe(String(batches.length));
      const pulled = spansOf(batches);
      expect(pulled).toHaveLength(sent.length);

      const byId = new Map(pulled.map((s) => [hex(s.spanId), s]));
      for (const span of sent) {
        const got = byId.get(span.spanContext().spanId);
        expect(got, `span ${span.spanContext().spanId} (${span.name})`).toBeDefined();
        expect(got!.service).toBe(`svc-${name}`);
        expect(hex(got!.traceId)).toBe(span.spanContext().traceId);
        expect(got!.name).toBe(span.name);
        expect(got!.startTimeUnixNano).toBe(ns(span.startTime));
        expect(got!.endTimeUnixNano).toBe(ns(span.endTime));
        expect(attributeMap(got!.attributes)).toEqual(span.attributes);
        expect(got!.status?.code ?? 0).toBe(span.status.code);
        if (span.status.message) expect(got!.status?.message).toBe(span.status.message);
        expect(got!.events.map((e) => [e.name, e.timeUnixNano, attributeMap(e.attributes)])).toEqual(
          span.events.map((e) => [e.name, ns(e.time), e.attributes ?? {}]),
        );
      }
    });
  }
});
