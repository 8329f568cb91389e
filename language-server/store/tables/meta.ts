import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';
import sql from './meta.sql';

/**
 * pull_cursor: the collector cursor of the last batch ingested. collector_id: whose cursor it is.
 * raw_bytes: estimated bytes of the raw spans stored. coarsened_before_min: no minute rollup rows
 * exist before this Unix minute (they are hour rows). hour_rollups_from_min and hour_rollups_to_min:
 * fn_hour (migration 002) is complete for the whole hours between them (tables/rollups.ts
 * `hourRollupsTo`); the first is set by the migration, the second moves as maintenance rolls hours.
 */
export type MetaKey = 'pull_cursor' | 'collector_id' | 'raw_bytes' | 'coarsened_before_min' | 'hour_rollups_from_min' | 'hour_rollups_to_min';

export class MetaTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/meta.sql', ['get', 'set', 'remove'] as const);
  }

  get(key: MetaKey): string | null {
    const row = this.q.get.get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  set(key: MetaKey, value: string): void {
    this.q.set.run(key, value);
  }

  remove(key: MetaKey): void {
    this.q.remove.run(key);
  }

  /** A numeric fact; 0 when unset. */
  getNumber(key: MetaKey): number {
    const v = this.get(key);
    return v === null ? 0 : Number(v);
  }
}
