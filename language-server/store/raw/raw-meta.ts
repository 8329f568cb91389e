import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';
import sql from './raw-meta.sql';

/** raw_cursor: the collector cursor of the last pull whose raw spans are stored. raw_bytes: their estimated bytes. */
export type RawMetaKey = 'raw_cursor' | 'raw_bytes';

/** raw_meta of the raw-span file, from the main connection (attached) or the raw writer's own. */
export class RawMetaTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'raw/raw-meta.sql', ['get', 'set', 'remove'] as const);
  }

  get(key: RawMetaKey): string | null {
    const row = this.q.get.get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  set(key: RawMetaKey, value: string): void {
    this.q.set.run(key, value);
  }

  remove(key: RawMetaKey): void {
    this.q.remove.run(key);
  }

  /** A numeric fact; 0 when unset. */
  getNumber(key: RawMetaKey): number {
    const v = this.get(key);
    return v === null ? 0 : Number(v);
  }

  /** Adds `delta` to raw_bytes, never below 0. */
  addBytes(delta: number): void {
    if (delta !== 0) this.set('raw_bytes', String(Math.max(0, this.getNumber('raw_bytes') + delta)));
  }
}
