import type { Database } from 'better-sqlite3';
import { KeyValueTable } from './key-value';
import sql from './meta.sql';

/**
 * pull_cursor: the collector cursor of the last batch counted (raw/raw-meta.ts keeps the raw
 * spans' own). collector_id: whose cursor it is. coarsened_before_min: no minute rollup rows
 * exist before this Unix minute (they are hour rows). hour_rollups_from_min and hour_rollups_to_min:
 * fn_hour (migration 002) is complete for the whole hours between them (tables/rollups.ts
 * `hourRollupsTo`); the first is set by the migration, the second moves as maintenance rolls hours.
 */
export type MetaKey = 'pull_cursor' | 'collector_id' | 'coarsened_before_min' | 'hour_rollups_from_min' | 'hour_rollups_to_min';

export class MetaTable extends KeyValueTable<MetaKey> {
  constructor(db: Database) {
    super(db, sql, 'tables/meta.sql');
  }
}
