import type { Database } from 'better-sqlite3';
import type { Attributes, ExceptionInfo, SpanRecord } from '../../ingest/span';
import { StoreDataError } from '../exemplars';
import { prepareNamed } from '../named-statements';
import type { StoredSpan } from '../types';
import sql from './spans.sql';

/**
 * Resource attributes copied into each raw span's attributes: the ones that tell instances,
 * rollouts and regions apart, which is what a BubbleUp comparison of slow spans looks for.
 */
export const RESOURCE_KEYS_KEPT: readonly string[] = [
  'service.instance.id',
  'host.name',
  'k8s.pod.name',
  'k8s.namespace.name',
  'k8s.deployment.name',
  'k8s.replicaset.name',
  'k8s.node.name',
  'cloud.region',
  'cloud.availability_zone',
  'container.image.tags',
  'deployment.id',
  'telemetry.sdk.language',
  'process.runtime.name',
  'process.runtime.version',
];

/** Longer string attribute values are cut so one span cannot take a disproportionate share of the size bound. */
const ATTRIBUTE_VALUE_CHARS = 2048;
const ROW_OVERHEAD_BYTES = 80;

export interface SpanRowInput {
  span: SpanRecord;
  fnId: number | null;
  seriesId: number;
  durationUs: number;
  exceptions: ExceptionInfo[];
}

export interface StoredExceptions {
  id: number;
  fnId: number | null;
  bytes: number;
  jsonChars: number;
  exceptions: ExceptionInfo[];
}

interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  fnId: number | null;
  file: string | null;
  qualifiedName: string | null;
  line: number | null;
  service: string;
  environment: string;
  version: string;
  name: string;
  kind: number;
  startNs: string;
  durationUs: number;
  statusCode: number;
  statusMessage: string;
  attributes: string;
  exceptions: string;
}

export class SpansTable {
  private readonly q;
  private readonly resourcePrefix: { resource: Attributes | null; prefix: string } = { resource: null, prefix: '' };

  /**
   * @param writerOnly prepare only what the raw writer thread runs (insert, find, setExceptions): its
   * connection has the raw-span file alone, without the main file's tables the reads join.
   */
  constructor(db: Database, writerOnly = false) {
    const all = ['insert', 'bySpanId', 'setExceptions', 'byTrace', 'recentForFunction', 'outliersForFunction', 'deleteExpired', 'deleteOldest', 'count'] as const;
    this.q = prepareNamed(db, sql, 'tables/spans.sql', writerOnly ? all.slice(0, 3) : all, writerOnly);
  }

  /** Inserts one raw span; returns its estimated size in bytes. */
  insert(r: SpanRowInput): number {
    const s = r.span;
    const attributes = attributesJson(s, this.resourcePrefix);
    const exceptions = JSON.stringify(r.exceptions);
    const bytes =
      ROW_OVERHEAD_BYTES +
      s.traceId.length +
      s.spanId.length +
      (s.parentSpanId?.length ?? 0) +
      s.service.length +
      s.environment.length +
      s.version.length +
      s.name.length +
      s.statusMessage.length +
      attributes.length +
      exceptions.length;
    this.q.insert.run(
      traceKey(s.traceId),
      s.traceId,
      s.spanId,
      s.parentSpanId,
      r.fnId,
      r.seriesId,
      s.name,
      s.kind,
      s.startNs,
      r.durationUs,
      s.statusCode,
      s.statusMessage,
      attributes,
      exceptions,
      bytes,
    );
    return bytes;
  }

  /** A stored span's exceptions, to attach one that arrived as a log record; null when not stored. */
  find(traceId: string, spanId: string): StoredExceptions | null {
    const row = this.q.bySpanId.get(traceKey(traceId), traceId, spanId) as { id: number; fnId: number | null; exceptions: string; bytes: number } | undefined;
    if (!row) return null;
    return { id: row.id, fnId: row.fnId, bytes: row.bytes, jsonChars: row.exceptions.length, exceptions: parseExceptions(row.exceptions) };
  }

  /** Rewrites a stored span's exceptions; returns the change in its estimated bytes. */
  setExceptions(stored: StoredExceptions, exceptions: ExceptionInfo[]): number {
    const json = JSON.stringify(exceptions);
    const bytes = stored.bytes - stored.jsonChars + json.length;
    this.q.setExceptions.run(json, bytes, stored.id);
    return bytes - stored.bytes;
  }

  trace(traceId: string): StoredSpan[] {
    return (this.q.byTrace.all(traceKey(traceId), traceId) as SpanRow[]).map(toStoredSpan);
  }

  recent(fnId: number, fromNs: bigint, toNs: bigint, limit: number): StoredSpan[] {
    return (this.q.recentForFunction.all({ fnId, fromNs, toNs, limit }) as SpanRow[]).map(toStoredSpan);
  }

  outliers(fnId: number, fromNs: bigint, toNs: bigint, minDurationUs: number, limit: number): StoredSpan[] {
    return (this.q.outliersForFunction.all({ fnId, fromNs, toNs, minDurationUs, limit }) as SpanRow[]).map(toStoredSpan);
  }

  /**
   * Deletes the expired spans among the `limit` earliest arrivals: started before `beforeNs`, or
   * after `futureNs` (clock skew). Returns count and bytes freed; fewer than `limit` means the head
   * of the table is no longer expired.
   */
  deleteExpired(beforeNs: bigint, futureNs: bigint, limit: number): { count: number; bytes: number } {
    return summed(this.q.deleteExpired.all({ beforeNs, futureNs, limit }) as Array<{ bytes: number }>);
  }

  /** Deletes the `limit` earliest arrivals. */
  deleteOldest(limit: number): { count: number; bytes: number } {
    return summed(this.q.deleteOldest.all(limit) as Array<{ bytes: number }>);
  }

  count(): number {
    return (this.q.count.get() as { n: number }).n;
  }
}

/** The trace id's first 13 hex digits (52 bits, exact as a JS number); ids are compared in full after. */
export function traceKey(traceId: string): number {
  const k = parseInt(traceId.slice(0, 13), 16);
  return Number.isNaN(k) ? 0 : k;
}

function summed(rows: Array<{ bytes: number }>): { count: number; bytes: number } {
  let bytes = 0;
  for (const r of rows) bytes += r.bytes;
  return { count: rows.length, bytes };
}

/**
 * The stored attributes as JSON: the kept resource keys, then the span's own (a span attribute wins
 * over a resource one of the same name, as JSON.parse keeps the last duplicate). Built from one
 * JSON.stringify of the decoded object plus a prefix cached per resource, which every span of one
 * OTLP resource shares; this is the hottest string work of ingest.
 */
function attributesJson(s: SpanRecord, cache: { resource: Attributes | null; prefix: string }): string {
  if (cache.resource !== s.resource) {
    let prefix = '';
    for (const key of RESOURCE_KEYS_KEPT) {
      const v = s.resource[key];
      if (v !== undefined) prefix += `${JSON.stringify(key)}:${JSON.stringify(clip(v))},`;
    }
    cache.resource = s.resource;
    cache.prefix = prefix;
  }
  let own: string;
  if (needsClip(s.attributes)) {
    const clipped: Attributes = {};
    for (const key in s.attributes) setOwn(clipped, key, clip(s.attributes[key]!));
    own = JSON.stringify(clipped);
  } else {
    own = JSON.stringify(s.attributes);
  }
  if (cache.prefix === '') return own;
  return own === '{}' ? `{${cache.prefix.slice(0, -1)}}` : `{${cache.prefix}${own.slice(1)}`;
}

function needsClip(attrs: Attributes): boolean {
  for (const key in attrs) {
    const v = attrs[key];
    if (typeof v === 'string' && v.length > ATTRIBUTE_VALUE_CHARS) return true;
  }
  return false;
}

/** An own data property even for `__proto__`, which plain assignment would treat as the prototype. */
function setOwn(target: Attributes, key: string, value: string | number | boolean): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const clip = (v: string | number | boolean): string | number | boolean =>
  typeof v === 'string' && v.length > ATTRIBUTE_VALUE_CHARS ? v.slice(0, ATTRIBUTE_VALUE_CHARS) : v;

function toStoredSpan(r: SpanRow): StoredSpan {
  if (r.statusCode !== 0 && r.statusCode !== 1 && r.statusCode !== 2) {
    throw new StoreDataError(`stored span ${r.traceId}/${r.spanId} has status ${r.statusCode}`);
  }
  return {
    traceId: r.traceId,
    spanId: r.spanId,
    parentSpanId: r.parentSpanId,
    fn: r.file !== null && r.qualifiedName !== null ? { file: r.file, qualifiedName: r.qualifiedName, line: r.line ?? 0 } : null,
    service: r.service,
    environment: r.environment,
    version: r.version,
    name: r.name,
    kind: r.kind,
    startNs: BigInt(r.startNs),
    durationUs: r.durationUs,
    statusCode: r.statusCode,
    statusMessage: r.statusMessage,
    attributes: parseAttributes(r.attributes, r.spanId),
    exceptions: parseExceptions(r.exceptions),
  };
}

function parseJson(json: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new StoreDataError(`${what} is not valid JSON: ${json.slice(0, 80)}`);
  }
}

function parseAttributes(json: string, spanId: string): Attributes {
  const raw = parseJson(json, `attributes of span ${spanId}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StoreDataError(`attributes of span ${spanId} are not an object`);
  }
  for (const v of Object.values(raw)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new StoreDataError(`attributes of span ${spanId} hold a ${typeof v} value`);
    }
  }
  return raw as Attributes;
}

function parseExceptions(json: string): ExceptionInfo[] {
  const raw = parseJson(json, 'span exceptions');
  if (!Array.isArray(raw)) throw new StoreDataError('span exceptions are not an array');
  for (const e of raw) {
    const x = e as Partial<ExceptionInfo> | null;
    if (
      typeof x !== 'object' ||
      x === null ||
      typeof x.type !== 'string' ||
      typeof x.message !== 'string' ||
      typeof x.stacktrace !== 'string' ||
      (x.source !== 'event' && x.source !== 'log')
    ) {
      throw new StoreDataError(`span exception has an unexpected shape: ${JSON.stringify(e).slice(0, 80)}`);
    }
  }
  return raw as ExceptionInfo[];
}
