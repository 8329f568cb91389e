import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { APPLICATION_ID, SCHEMA_VERSION, applyMigrations } from './migrations';
import { Store } from './store';
import { RAW_SCHEMA_VERSION, attachRaw, rawFileOf, rawFileProblem } from './raw/raw-database';
import { RawWriterClient, defaultRawWorkerScript } from './raw/raw-client';
import type { StoreOptions } from './types';

/** The database was written by a newer Prodlens; it is left exactly as it was. */
export class StoreVersionError extends Error {
  override name = 'StoreVersionError';
  constructor(
    readonly file: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The Prodlens store ${file} has schema version ${foundVersion}, but this Prodlens supports up to ` +
        `version ${supportedVersion}. It was written by a newer Prodlens; update Prodlens or use another ` +
        `store file (--db). The file was not changed.`,
    );
  }
}

/** The file cannot be used as a Prodlens store (not SQLite, or another program's database). */
export class StoreFileError extends Error {
  override name = 'StoreFileError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`Cannot open ${file} as a Prodlens store: ${reason}. Point --db at another file, or move this one away.`);
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Opens (creating when missing) a store file, or an in-memory store for ':memory:'. An existing
 * file is inspected read-only first, so a file that is not ours or is from a newer schema is
 * refused before anything could write to it (even switching to WAL rewrites the header).
 */
export function openStore(file: string, options: StoreOptions = {}): Store {
  const memory = file === ':memory:';
  const rawFile = rawFileOf(file);
  if (!memory && existsSync(file)) inspectExisting(file);
  const rawProblem = rawFileProblem(rawFile);
  if (rawProblem && 'version' in rawProblem) throw new StoreVersionError(rawFile, rawProblem.version, RAW_SCHEMA_VERSION);
  if (rawProblem) throw new StoreFileError(file, rawProblem.reason);
  else if (!memory && !existsSync(path.dirname(path.resolve(file)))) {
    throw new StoreFileError(file, `its folder ${path.dirname(path.resolve(file))} does not exist`);
  }
  const db = openOrExplain(file, () => new Database(file, { timeout: options.busyTimeoutMs ?? 5_000 }));
  try {
    const version = checkVersion(db, file);
    // 16 KiB pages for a new store (the size is fixed once the first table exists): the span
    // indexes take random inserts, and bigger pages mean fewer splits and a shallower tree, about
    // twice the insert rate at a few million spans. Existing stores keep the size they have.
    if (version === 0) db.pragma('page_size = 16384');
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Rollup upserts land all over the key space; a 64 MiB page cache keeps their B-tree pages hot.
    db.pragma('cache_size = -65536');
    // Checkpoint every ~40 MiB of WAL rather than 4 MiB: rollup pages rewritten by consecutive
    // batches are then copied back once per checkpoint instead of once per batch.
    // The setting counts pages, so it follows the page size (4 KiB in stores made before 16 KiB).
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    if (!memory) db.pragma(`wal_autocheckpoint = ${Math.round((40 * 1024 * 1024) / pageSize)}`);
    attachRaw(db, rawFile);
    applyMigrations(db, version);
    const script = memory ? undefined : options.rawWorkerScript === undefined ? defaultRawWorkerScript() : (options.rawWorkerScript ?? undefined);
    return new Store(db, options, script === undefined ? null : () => new RawWriterClient(script, rawFile));
  } catch (err) {
    db.close();
    throw err;
  }
}

function inspectExisting(file: string): void {
  if (statSync(file).isDirectory()) throw new StoreFileError(file, 'it is a directory');
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  // An empty file is an empty database to SQLite, so it is fine to initialise.
  if (read === 0) return;
  if (read < 16 || header.toString('latin1') !== SQLITE_MAGIC) {
    throw new StoreFileError(file, 'it is not a SQLite database (its header is not "SQLite format 3")');
  }
  const db = openOrExplain(file, () => new Database(file, { readonly: true, fileMustExist: true }));
  try {
    checkVersion(db, file);
  } finally {
    db.close();
  }
}

function checkVersion(db: Database.Database, file: string): number {
  const version = openOrExplain(file, () => db.pragma('user_version', { simple: true }) as number);
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new StoreFileError(file, `it belongs to another application (application_id ${appId})`);
  }
  if (version > SCHEMA_VERSION) throw new StoreVersionError(file, version, SCHEMA_VERSION);
  if (version === 0) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
    if (tables.n > 0) throw new StoreFileError(file, 'it is a SQLite database with tables, but not a Prodlens store');
  }
  return version;
}

function openOrExplain<T>(file: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB') throw new StoreFileError(file, 'it is not a SQLite database');
    if (code === 'SQLITE_CORRUPT') throw new StoreFileError(file, 'the database is corrupt');
    if (code === 'SQLITE_CANTOPEN') throw new StoreFileError(file, 'it cannot be opened (check the folder exists and is writable)');
    throw err;
  }
}
