import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';

/** A table of named facts (meta.sql, raw/raw-meta.sql): `get`, `set` and `remove` statements by key. */
export class KeyValueTable<K extends string> {
  private readonly q;

  constructor(db: Database, sql: string, file: string) {
    this.q = prepareNamed(db, sql, file, ['get', 'set', 'remove', 'lock'] as const);
  }

  get(key: K): string | null {
    const row = this.q.get.get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  set(key: K, value: string): void {
    this.q.set.run(key, value);
  }

  remove(key: K): void {
    this.q.remove.run(key);
  }

  /**
   * Takes the write lock of this table's file in the open transaction (waiting for another writer
   * up to the busy timeout), so a transaction begun deferred cannot fail to upgrade after its reads.
   */
  lock(): void {
    this.q.lock.run();
  }

  /** A numeric fact; 0 when unset. */
  getNumber(key: K): number {
    const v = this.get(key);
    return v === null ? 0 : Number(v);
  }
}
