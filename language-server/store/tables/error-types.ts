import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';
import type { ErrorTypeCount } from '../types';
import sql from './error-types.sql';

export interface ErrorTypeAdd {
  service: string;
  environment: string;
  version: string;
  /** 0 when the exception is not tied to a function. */
  fnId: number;
  type: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  message: string;
}

interface Row {
  fnId: number;
  file: string | null;
  qualifiedName: string | null;
  line: number | null;
  type: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  message: string;
}

export class ErrorTypesTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/error-types.sql', ['add', 'forVersion'] as const);
  }

  add(e: ErrorTypeAdd): void {
    this.q.add.run(e);
  }

  forVersion(service: string, environment: string, version: string): ErrorTypeCount[] {
    return (this.q.forVersion.all(service, environment, version) as Row[]).map((r) => ({
      fn: r.file !== null && r.qualifiedName !== null ? { file: r.file, qualifiedName: r.qualifiedName, line: r.line ?? 0 } : null,
      type: r.type,
      count: r.count,
      firstSeenMs: r.firstSeenMs,
      lastSeenMs: r.lastSeenMs,
      message: r.message,
    }));
  }
}
