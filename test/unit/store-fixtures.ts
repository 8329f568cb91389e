/**
 * Plain-data builders for store tests: SpanRecords, resolutions and log exceptions as the ingest and
 * mapping code would produce them, plus a temporary directory per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ExceptionInfo, LogException, SpanRecord } from '../../language-server/ingest/span';
import type { FunctionRef, SpanResolution, ThrownHere } from '../../language-server/mapping/types';
import type { IngestBatch } from '../../language-server/store';

export const T0_MS = Date.UTC(2025, 0, 15, 10, 0, 0);
export const MIN = 60_000;

export const placeOrder: FunctionRef = { file: 'src/orders.ts', qualifiedName: 'OrderService.place', line: 11 };
export const cancelOrder: FunctionRef = { file: 'src/orders.ts', qualifiedName: 'OrderService.cancel', line: 30 };
export const chargeCard: FunctionRef = { file: 'src/payments.ts', qualifiedName: 'charge', line: 4 };

let counter = 0;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export interface SpanOptions extends Partial<Omit<SpanRecord, 'durationNs'>> {
  atMs?: number;
  durationMs?: number;
}

export function span(o: SpanOptions = {}): SpanRecord {
  counter++;
  const { atMs = T0_MS, durationMs = 10, ...rest } = o;
  return {
    traceId: hex(counter, 32),
    spanId: hex(counter, 16),
    parentSpanId: null,
    name: 'POST /orders',
    kind: 2,
    startNs: BigInt(Math.round(atMs * 1000)) * 1000n,
    durationNs: Math.round(durationMs * 1e6),
    statusCode: 0,
    statusMessage: '',
    service: 'shop',
    environment: 'production',
    version: '1.0.0',
    commit: null,
    resource: { 'service.name': 'shop', 'service.instance.id': 'pod-a', 'process.pid': 42 },
    attributes: { 'http.route': '/orders', 'http.request.method': 'POST' },
    exceptions: [],
    ...rest,
  };
}

export function mapped(fn: FunctionRef, extra: Partial<Extract<SpanResolution, { mapped: true }>> = {}): SpanResolution {
  return {
    mapped: true,
    fn,
    mappedBy: 'code.function.name',
    confidence: 1,
    explanation: `code.function.name=${fn.qualifiedName}`,
    alternatives: [],
    ...extra,
  };
}

export function unmapped(reason: Extract<SpanResolution, { mapped: false }>['reason'] = 'route-not-found'): SpanResolution {
  return { mapped: false, reason, explanation: 'no route matched', alternatives: [] };
}

export function exception(type: string, message: string, source: ExceptionInfo['source'] = 'event'): ExceptionInfo {
  return { type, message, stacktrace: `${type}: ${message}\n    at charge (/app/src/payments.ts:5:11)`, source };
}

export function thrownIn(fn: FunctionRef): ThrownHere {
  return { fn, mappedBy: 'exception.stacktrace', frame: `${fn.qualifiedName} (${fn.file}:${fn.line + 1})` };
}

export function logFor(s: SpanRecord, e: ExceptionInfo): LogException {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    timeNs: s.startNs + BigInt(s.durationNs),
    service: s.service,
    environment: s.environment,
    version: s.version,
    exception: { ...e, source: 'log' },
  };
}

export function batch(cursor: string | null, spans: IngestBatch['spans'], logs: IngestBatch['logs'] = []): IngestBatch {
  return { cursor, spans, logs };
}

/** Spans for one function with the given durations, one per `spacingMs` from `atMs`. */
export function spansFor(fn: FunctionRef, durationsMs: number[], atMs = T0_MS, spacingMs = 100): IngestBatch['spans'] {
  return durationsMs.map((d, i) => ({ span: span({ atMs: atMs + i * spacingMs, durationMs: d }), resolution: mapped(fn), thrown: null }));
}

export function tempDir(): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'prodlens-store-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The exact q-quantile of a sample, with the same rank rule as the histogram (nearest rank). */
export function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/** Deterministic pseudo-random durations (lognormal-ish), so tests do not depend on Math.random. */
export function durations(n: number, seed = 7): number[] {
  let x = seed;
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
    out.push(Math.round(40 * Math.exp(0.6 * z) * 1000) / 1000);
  }
  return out;
}
