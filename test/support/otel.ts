/**
 * Sends spans the way real services do: the OpenTelemetry JS SDK with the OTLP proto exporter.
 * Tests describe spans as data (name, kind, attributes, duration, error) and this turns them into
 * SDK spans with exact start and end times.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface SpanSpec {
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
  durationMs: number;
  error?: { message: string; exception?: Error };
  /** Start time, ms since the epoch; default: now minus a little per span so spans stay in the window. */
  startMs?: number;
  /** Child spans started inside this one. */
  children?: SpanSpec[];
}

export interface ServiceSpec {
  collectorUrl: string;
  service: string;
  version?: string;
  environment?: string;
  resource?: Attributes;
  headers?: Record<string, string>;
  /** Spans per OTLP request (default 512, the SDK's default). */
  batchSize?: number;
}

/** Sends every span through a real SDK pipeline and resolves when the exporter has delivered them. */
export async function sendSpans(svc: ServiceSpec, spans: SpanSpec[]): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: new Resource({
      'service.name': svc.service,
      ...(svc.version ? { 'service.version': svc.version } : {}),
      ...(svc.environment ? { 'deployment.environment.name': svc.environment } : {}),
      ...svc.resource,
    }),
  });
  const exporter = new OTLPTraceExporter({ url: `${svc.collectorUrl}/v1/traces`, headers: svc.headers, concurrencyLimit: 10_000 });
  provider.addSpanProcessor(new BatchSpanProcessor(exporter, { maxExportBatchSize: svc.batchSize ?? 512, maxQueueSize: 100_000, scheduledDelayMillis: 50 }));
  const tracer = provider.getTracer('prodlens-test');
  const now = Date.now();
  const start = (spec: SpanSpec, at: number, parent?: Context) => {
    const span = tracer.startSpan(spec.name, { kind: spec.kind ?? SpanKind.SERVER, attributes: spec.attributes, startTime: at }, parent ?? context.active());
    const ctx = trace.setSpan(parent ?? context.active(), span);
    let childAt = at;
    for (const child of spec.children ?? []) {
      start(child, childAt, ctx);
      childAt += child.durationMs;
    }
    if (spec.error) {
      if (spec.error.exception) span.recordException(spec.error.exception);
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error.message });
    }
    span.end(at + spec.durationMs);
  };
  spans.forEach((spec, i) => start(spec, spec.startMs ?? now - 60_000 + i));
  await provider.forceFlush();
  await provider.shutdown();
}
