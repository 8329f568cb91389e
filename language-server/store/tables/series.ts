import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';
import sql from './series.sql';

export interface SeriesRef {
  service: string;
  environment: string;
  version: string;
}

/**
 * Interned (service, environment, version) triples. Cached like function ids, and forgotten by the
 * store whenever a transaction fails, since its new ids rolled back with it.
 */
export class SeriesTable {
  private readonly q;
  private readonly ids = new Map<string, number>();

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/series.sql', ['byKey', 'insert'] as const);
  }

  idFor(s: SeriesRef): number {
    const key = `${s.service}\0${s.environment}\0${s.version}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.find(s) ?? Number(this.q.insert.run(s.service, s.environment, s.version).lastInsertRowid);
      this.ids.set(key, id);
    }
    return id;
  }

  /** The id of a known series, or null; never adds one. */
  find(s: SeriesRef): number | null {
    const row = this.q.byKey.get(s.service, s.environment, s.version) as { id: number } | undefined;
    return row ? row.id : null;
  }

  forgetCached(): void {
    this.ids.clear();
  }
}
