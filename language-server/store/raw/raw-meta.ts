import type { Database } from 'better-sqlite3';
import { KeyValueTable } from '../tables/key-value';
import sql from './raw-meta.sql';

/** raw_cursor: the collector cursor of the last pull whose raw spans are stored. raw_bytes: their estimated bytes. */
export type RawMetaKey = 'raw_cursor' | 'raw_bytes';

/** raw_meta of the raw-span file, from the main connection (attached) or the raw writer's own. */
export class RawMetaTable extends KeyValueTable<RawMetaKey> {
  constructor(db: Database) {
    super(db, sql, 'raw/raw-meta.sql');
  }

  /** Adds `delta` to raw_bytes, never below 0. */
  addBytes(delta: number): void {
    if (delta !== 0) this.set('raw_bytes', String(Math.max(0, this.getNumber('raw_bytes') + delta)));
  }
}
