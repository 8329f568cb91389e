import type { Database } from 'better-sqlite3';
import type { FunctionRef } from '../../mapping/types';
import { prepareNamed } from '../named-statements';
import sql from './functions.sql';

/**
 * Function ids, cached because every mapped span needs one. The cache can hold ids from a
 * transaction that later rolled back, so the store calls `forgetCached()` whenever one fails.
 */
export class FunctionsTable {
  private readonly q;
  private readonly ids = new Map<string, { id: number; line: number }>();
  /** The mapper hands out the same FunctionRef objects for a symbol, so identity is the fast path. */
  private byRef = new WeakMap<FunctionRef, { id: number; line: number }>();

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/functions.sql', ['byKey', 'byId', 'insert', 'updateLine'] as const);
  }

  /** The id of a function, adding it (or moving its line) as needed. */
  idFor(fn: FunctionRef): number {
    let entry = this.byRef.get(fn);
    if (!entry) {
      const key = `${fn.file}\0${fn.qualifiedName}`;
      entry = this.ids.get(key);
      if (!entry) {
        const row = this.q.byKey.get(fn.file, fn.qualifiedName) as { id: number; line: number } | undefined;
        entry = row ?? { id: Number(this.q.insert.run(fn.file, fn.qualifiedName, fn.line).lastInsertRowid), line: fn.line };
        this.ids.set(key, entry);
      }
      this.byRef.set(fn, entry);
    }
    if (entry.line !== fn.line) {
      this.q.updateLine.run(fn.line, entry.id);
      entry.line = fn.line;
    }
    return entry.id;
  }

  /** The id of a known function, or null; never adds one. */
  find(fn: Pick<FunctionRef, 'file' | 'qualifiedName'>): number | null {
    const row = this.q.byKey.get(fn.file, fn.qualifiedName) as { id: number } | undefined;
    return row ? row.id : null;
  }

  ref(id: number): FunctionRef | null {
    return (this.q.byId.get(id) as FunctionRef | undefined) ?? null;
  }

  forgetCached(): void {
    this.ids.clear();
    this.byRef = new WeakMap();
  }
}
