import type { Database } from 'better-sqlite3';
import type { UnmappedReason } from '@protocol/model';
import { prepareNamed } from '../named-statements';
import type { UnmappedRecord } from '../types';
import sql from './unmapped.sql';

export interface UnmappedAdd {
  service: string;
  name: string;
  /** '' when the span had no route. */
  route: string;
  reason: UnmappedReason;
  count: number;
  lastSeenMs: number;
}

const REASONS: ReadonlySet<string> = new Set<UnmappedReason>([
  'no-code-signal',
  'file-not-in-workspace',
  'symbol-not-found',
  'route-not-found',
  'ambiguous',
]);

export class UnmappedTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/unmapped.sql', ['add', 'list'] as const);
  }

  add(u: UnmappedAdd): void {
    this.q.add.run(u);
  }

  list(limit: number): UnmappedRecord[] {
    const rows = this.q.list.all(limit) as Array<Omit<UnmappedRecord, 'route'> & { route: string }>;
    // A reason this version does not know (written by a later one) is reported as the vaguest one.
    return rows.map((r) => ({
      ...r,
      route: r.route === '' ? null : r.route,
      reason: REASONS.has(r.reason) ? r.reason : 'no-code-signal',
    }));
  }
}
