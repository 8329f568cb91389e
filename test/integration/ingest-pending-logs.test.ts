/**
 * An exception log record is exported before the span it belongs to (the span is still open when
 * the handler logs). Real SDK log and trace exporters, a real collector and a real engine that
 * ingests the log in one pull and the span in a later one: the exception must end up on the span,
 * counted once as thrown in the function of its top stack frame, including across a restart.
 */
import * as path from 'node:path';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { collectorEngines } from '../support/engines';

const root = path.resolve(__dirname, '../fixtures/workspaces/node-fastify-nest');
const resource = new Resource({ 'service.name': 'shop-node', 'service.version': '1.0.0', 'deployment.environment.name': 'production' });
const stack = 'StockError: sku 7 is gone\n    at updateOrder (/srv/app/fastify/src/handlers/orders.ts:21:11)\n    at handle (/srv/app/node_modules/fastify/lib/route.js:300:5)';

const engines = collectorEngines(root);

describe('an exception log record that arrives before its span', () => {
  it('is attached to the span and counted once when the span arrives in a later pull, across a restart', async () => {
    const { collector, dbFile } = await engines.start('prodlens-pending-logs-');
    const tracerProvider = new BasicTracerProvider({ resource });
    tracerProvider.addSpanProcessor(new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.httpUrl}/v1/traces` })));
    const loggerProvider = new LoggerProvider({ resource });
    loggerProvider.addLogRecordProcessor(new SimpleLogRecordProcessor(new OTLPLogExporter({ url: `${collector.httpUrl}/v1/logs` })));

    const span = tracerProvider.getTracer('t').startSpan('PATCH /v1/orders/:id', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'PATCH', 'http.route': '/v1/orders/:id', 'url.path': '/v1/orders/7', 'http.response.status_code': 500 },
    });
    loggerProvider.getLogger('t').emit({
      context: trace.setSpan(context.active(), span),
      body: 'update failed',
      attributes: { 'exception.type': 'StockError', 'exception.message': 'sku 7 is gone', 'exception.stacktrace': stack },
    });
    await loggerProvider.shutdown();
    const { traceId, spanId } = span.spanContext();

    const first = await engines.open(collector, dbFile);
    expect(await first.catchUp()).toBe(0);
    expect(first.trace(traceId)).toEqual([]);
    expect(first.allFunctionStats().find((f) => f.symbol === 'updateOrder')).toBeUndefined();
    await engines.close(first);

    span.setStatus({ code: SpanStatusCode.ERROR, message: 'sku 7 is gone' });
    span.end();
    await tracerProvider.shutdown();
    const second = await engines.open(collector, dbFile);
    expect(await second.catchUp()).toBe(1);

    const [stored] = second.trace(traceId);
    expect(stored?.spanId).toBe(spanId);
    expect(stored?.exception).toEqual({ type: 'StockError', message: 'sku 7 is gone', stacktrace: stack });
    const update = second.allFunctionStats().find((f) => f.symbol === 'updateOrder');
    expect(update).toMatchObject({ requests: 1, errors: 1, thrownHere: 1 });
    // Nothing is left waiting to be counted a second time when it would have expired.
    second.store.maintain(Date.now() + 60 * 60_000);
    expect(second.allFunctionStats().find((f) => f.symbol === 'updateOrder')).toMatchObject({ thrownHere: 1 });
  });
});
