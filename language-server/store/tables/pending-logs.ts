import type { Database } from 'better-sqlite3';
import type { ExceptionInfo, LogException } from '../../ingest/span';
import type { ThrownHere } from '../../mapping/types';
import { StoreDataError } from '../exemplars';
import { prepareNamed } from '../named-statements';
import sql from './pending-logs.sql';

/** An exception log record waiting for its span (migration 002, pending_log_exceptions). */
export interface PendingLog {
  id: number;
  log: LogException;
  thrown: ThrownHere | null;
  arrivedMs: number;
}

interface Row {
  id: number;
  traceId: string;
  spanId: string;
  timeNs: string;
  service: string;
  environment: string;
  version: string;
  exception: string;
  thrown: string | null;
  arrivedMs: number;
}

export class PendingLogsTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/pending-logs.sql', ['insert', 'keys', 'byId', 'expired', 'remove', 'count'] as const);
  }

  add(log: LogException, thrown: ThrownHere | null, arrivedMs: number): void {
    this.q.insert.run({
      traceId: log.traceId,
      spanId: log.spanId,
      timeNs: log.timeNs,
      service: log.service,
      environment: log.environment,
      version: log.version,
      exception: JSON.stringify(log.exception),
      thrown: thrown === null ? null : JSON.stringify(thrown),
      arrivedMs,
    });
  }

  keys(): Array<{ id: number; traceId: string; spanId: string }> {
    return this.q.keys.all() as Array<{ id: number; traceId: string; spanId: string }>;
  }

  /** Reads and deletes one record. */
  take(id: number): PendingLog | null {
    const row = this.q.byId.get(id) as Row | undefined;
    if (!row) return null;
    this.q.remove.run(id);
    return toPending(row);
  }

  /** Up to `limit` records that arrived before `beforeMs`, oldest first. */
  expired(beforeMs: number, limit: number): PendingLog[] {
    return (this.q.expired.all(beforeMs, limit) as Row[]).map(toPending);
  }

  remove(id: number): void {
    this.q.remove.run(id);
  }

  count(): number {
    return (this.q.count.get() as { n: number }).n;
  }
}

function toPending(r: Row): PendingLog {
  const log: LogException = {
    traceId: r.traceId,
    spanId: r.spanId,
    timeNs: BigInt(r.timeNs),
    service: r.service,
    environment: r.environment,
    version: r.version,
    exception: parseException(r.exception),
  };
  return { id: r.id, log, thrown: r.thrown === null ? null : parseThrown(r.thrown), arrivedMs: r.arrivedMs };
}

function parseJson(json: string, what: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new StoreDataError(`${what} of a pending log record is not valid JSON: ${json.slice(0, 80)}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new StoreDataError(`${what} of a pending log record is not an object`);
  return raw as Record<string, unknown>;
}

function parseException(json: string): ExceptionInfo {
  const x = parseJson(json, 'the exception');
  if (typeof x.type !== 'string' || typeof x.message !== 'string' || typeof x.stacktrace !== 'string' || x.source !== 'log') {
    throw new StoreDataError(`the exception of a pending log record has an unexpected shape: ${json.slice(0, 80)}`);
  }
  return { type: x.type, message: x.message, stacktrace: x.stacktrace, source: 'log' };
}

function parseThrown(json: string): ThrownHere {
  const x = parseJson(json, 'thrown-here');
  const fn = x.fn as Record<string, unknown> | null;
  const mappedBy = x.mappedBy;
  if (
    typeof fn !== 'object' ||
    fn === null ||
    typeof fn.file !== 'string' ||
    typeof fn.qualifiedName !== 'string' ||
    typeof fn.line !== 'number' ||
    typeof x.frame !== 'string' ||
    (mappedBy !== 'exception.stacktrace' && mappedBy !== 'code.stacktrace' && mappedBy !== 'dd.code_origin')
  ) {
    throw new StoreDataError(`thrown-here of a pending log record has an unexpected shape: ${json.slice(0, 80)}`);
  }
  return { fn: { file: fn.file, qualifiedName: fn.qualifiedName, line: fn.line }, mappedBy, frame: x.frame };
}
