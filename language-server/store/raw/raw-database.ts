/**
 * The raw-span file next to the main store: `prodlens.db` keeps its raw spans in
 * `prodlens.spans.db` (raw-schema.sql says why they have a file of their own). The main connection
 * attaches it as `raw`, creating it on first use; the raw writer thread opens it on its own.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import rawSchemaSql from './raw-schema.sql';

/** `PRAGMA user_version` of the raw-span file's schema. */
export const RAW_SCHEMA_VERSION = 1;
/** `PRAGMA application_id` of a raw-span file ("PRLR"). */
export const RAW_APPLICATION_ID = 0x50524c52;

export function rawFileOf(file: string): string {
  if (file === ':memory:') return file;
  return file.endsWith('.db') ? `${file.slice(0, -3)}.spans.db` : `${file}.spans`;
}

/** What is wrong with an existing raw-span file, or null when it can be attached. Opens it read-only. */
export function rawFileProblem(rawFile: string): { version: number } | { reason: string } | null {
  if (rawFile === ':memory:' || !existsSync(rawFile)) return null;
  let db: Database.Database;
  try {
    db = new Database(rawFile, { readonly: true, fileMustExist: true });
  } catch (err) {
    return { reason: `its raw-span file ${rawFile} cannot be opened (${err instanceof Error ? err.message : String(err)})` };
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== 0 && appId !== RAW_APPLICATION_ID) return { reason: `its raw-span file ${rawFile} belongs to another application (application_id ${appId})` };
    if (version > RAW_SCHEMA_VERSION) return { version };
    return null;
  } catch (err) {
    return { reason: `its raw-span file ${rawFile} is not a SQLite database (${err instanceof Error ? err.message : String(err)})` };
  } finally {
    db.close();
  }
}

/** Attaches the raw-span file as `raw` on the main connection, creating its schema when new. */
export function attachRaw(db: Database.Database, rawFile: string): void {
  db.prepare('ATTACH DATABASE ? AS raw').run(rawFile);
  const version = db.pragma('raw.user_version', { simple: true }) as number;
  if (rawFile !== ':memory:') {
    if (version === 0) db.pragma('raw.page_size = 16384');
    db.pragma('raw.journal_mode = WAL');
  }
  db.pragma('raw.synchronous = NORMAL');
  // Hover and trace reads of a few hundred spans go through this connection (the main file's 64 MiB
  // is not shared with it); 16 MiB keeps the server within its memory bound with both caches full.
  db.pragma('raw.cache_size = -16384');
  if (version === 0) {
    db.transaction(() => {
      db.exec(rawSchemaSql.replace(/CREATE (TABLE|INDEX) /g, 'CREATE $1 raw.'));
      db.pragma(`raw.user_version = ${RAW_SCHEMA_VERSION}`);
      db.pragma(`raw.application_id = ${RAW_APPLICATION_ID}`);
    }).immediate();
  }
}

/** The raw writer's own connection to an existing raw-span file (attachRaw created it). */
export function openRawWriterDb(rawFile: string): Database.Database {
  const db = new Database(rawFile, { fileMustExist: true, timeout: 30_000 });
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32768');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.round((40 * 1024 * 1024) / pageSize)}`);
  return db;
}
