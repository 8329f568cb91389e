import type { Database } from 'better-sqlite3';
import schemaSql from './schema.sql';
import hourRollupsSql from './migrations/002-hour-rollups.sql';
import deployMarkersSql from './migrations/003-deploy-markers.sql';
import rawSpansFileSql from './migrations/004-raw-spans-file.sql';

/**
 * Versioned schema migrations. `PRAGMA user_version` holds the version a database is at; each entry
 * takes it from `version - 1` to `version`. Version 1 is schema.sql. Later changes append entries
 * (e.g. `{ version: 2, name: 'add-x', sql: addXSql }` importing `migrations/002-add-x.sql`) and never
 * edit released ones, so every database reaches the same schema by the same steps.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Sorted, so entries added side by side in any order still apply in version order.
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: schemaSql },
  { version: 2, name: 'hour-rollups', sql: hourRollupsSql },
  { version: 3, name: 'deploy-markers', sql: deployMarkersSql },
  // Needs the raw-span file attached as `raw` (raw/raw-database.ts), as openStore does first.
  { version: 4, name: 'raw-spans-file', sql: rawSpansFileSql },
].sort((a, b) => a.version - b.version);

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** `PRAGMA application_id` of a Prodlens store ("PRLN"), so another program's SQLite file is not mistaken for one. */
export const APPLICATION_ID = 0x50524c4e;

/** Applies the migrations after `from`, each in its own transaction with its user_version bump. */
export function applyMigrations(db: Database, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      if (m.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
}
