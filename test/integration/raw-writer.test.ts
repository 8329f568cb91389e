/**
 * Raw spans are stored by the raw writer thread (store/raw/) in a file of their own while the main
 * thread counts them, each side committing with its own cursor. Real SDK spans and log records, a
 * real collector, engines with the bundled writer (dist/raw-worker.js), real SQLite files.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../language-server/engine';
import { RAW_WORKER } from '../support/collector';
import { collectorEngines } from '../support/engines';
import { sendSpans, type SpanSpec } from '../support/otel';

const root = path.resolve(__dirname, '../fixtures/workspaces/node-express');

const engines = collectorEngines(root, { rawWorkerScript: RAW_WORKER });

function orders(n: number): SpanSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: 'GET /api/orders/:id',
    kind: SpanKind.SERVER,
    attributes: { 'http.method': 'GET', 'http.route': '/api/orders/:id', 'order.n': i },
    durationMs: 10 + (i % 7),
  }));
}

function requests(e: Engine): number {
  const now = Date.now();
  return e.store.functionStats({ fromMs: now - 3_600_000, toMs: now + 60_000 }).find((f) => f.symbol === 'OrderController.get')?.requests ?? 0;
}

/** What the raw-span file holds: rows, distinct spans, and whether raw_bytes is their sum. */
function rawFile(dbFile: string) {
  const db = new Database(dbFile.replace(/\.db$/, '.spans.db'), { readonly: true });
  try {
    const rows = (db.prepare('SELECT count(*) AS n, count(DISTINCT trace_id || span_id) AS distinctSpans, coalesce(sum(bytes), 0) AS bytes FROM spans').get() as { n: number; distinctSpans: number; bytes: number });
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM raw_meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    return { ...rows, meta };
  } finally {
    db.close();
  }
}

describe('the raw writer thread', () => {
  it('stores every raw span once, also when the raw spans fell behind the rollups before a restart', async () => {
    const { collector, dbFile } = await engines.start('prodlens-raw-writer-');
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop', version: '1', batchSize: 50 }, orders(300));

    const first = await engines.open(collector, dbFile);
    expect(first.store.rawWriterThread).toBe(true);
    expect(await first.catchUp()).toBe(300);
    expect(requests(first)).toBe(300);
    expect(first.store.rawSpanUsage().spans).toBe(300);
    const before = rawFile(dbFile);
    expect(before).toMatchObject({ n: 300, distinctSpans: 300 });
    expect(Number(before.meta.raw_bytes)).toBe(before.bytes);
    const cursor = first.store.cursor();
    expect(before.meta.raw_cursor).toBe(cursor);
    // Raw spans are read back through the main connection: a trace from the writer's file.
    const reader = new Database(dbFile.replace(/\.db$/, '.spans.db'), { readonly: true });
    const traceId = (reader.prepare('SELECT trace_id AS t FROM spans LIMIT 1').get() as { t: string }).t;
    reader.close();
    expect(first.trace(traceId)).toHaveLength(1);
    await engines.close(first);

    // The rollups committed, the raw spans did not (the process died between the two commits).
    const raw = new Database(dbFile.replace(/\.db$/, '.spans.db'));
    raw.exec(`DELETE FROM spans; UPDATE raw_meta SET value = '0' WHERE key IN ('raw_cursor', 'raw_bytes')`);
    raw.close();
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop', version: '1', batchSize: 50 }, orders(100));

    const second = await engines.open(collector, dbFile);
    expect(second.store.cursor()).toBe('0');
    // The replay brings all 400 again: the 300 counted before are stored, not counted; the 100 new are both.
    expect(await second.catchUp()).toBe(100);
    expect(requests(second)).toBe(400);
    const after = rawFile(dbFile);
    expect(after).toMatchObject({ n: 400, distinctSpans: 400 });
    expect(Number(after.meta.raw_bytes)).toBe(after.bytes);
    expect(second.store.cursor()).toBe(after.meta.raw_cursor);
    expect(BigInt(after.meta.raw_cursor!)).toBeGreaterThan(BigInt(cursor!));
  });

  it('joins an exception log record to its span written earlier in the same pull', async () => {
    const { collector, dbFile } = await engines.start('prodlens-raw-writer-log-');
    const resource = new Resource({ 'service.name': 'shop', 'service.version': '1' });
    const tracerProvider = new BasicTracerProvider({ resource });
    tracerProvider.addSpanProcessor(new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.httpUrl}/v1/traces` })));
    const loggerProvider = new LoggerProvider({ resource });
    loggerProvider.addLogRecordProcessor(new SimpleLogRecordProcessor(new OTLPLogExporter({ url: `${collector.httpUrl}/v1/logs` })));

    const span = tracerProvider.getTracer('t').startSpan('GET /api/orders/:id', {
      kind: SpanKind.SERVER,
      attributes: { 'http.method': 'GET', 'http.route': '/api/orders/:id', 'http.response.status_code': 500 },
    });
    span.setStatus({ code: 2, message: 'lookup failed' });
    span.end();
    await tracerProvider.forceFlush();
    // The log record comes after the span, in a batch of its own, and is pulled with it.
    loggerProvider.getLogger('t').emit({
      context: trace.setSpan(context.active(), span),
      attributes: { 'exception.type': 'LookupError', 'exception.message': 'order 7 is gone', 'exception.stacktrace': 'LookupError: order 7 is gone' },
    });
    await loggerProvider.shutdown();
    await tracerProvider.shutdown();

    const engine = await engines.open(collector, dbFile);
    expect(await engine.catchUp()).toBe(1);
    const [stored] = engine.trace(span.spanContext().traceId);
    expect(stored?.exception).toEqual({ type: 'LookupError', message: 'order 7 is gone', stacktrace: 'LookupError: order 7 is gone' });
    expect(rawFile(dbFile)).toMatchObject({ n: 1, distinctSpans: 1 });
  });
});
