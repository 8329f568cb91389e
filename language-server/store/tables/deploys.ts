import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';
import type { DeployRecord } from '../types';
import sql from './deploys.sql';

export type DeploySeen = Omit<DeployRecord, 'source'>;

export interface DeployMarkerRow {
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  timeMs: number;
}

export class DeploysTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/deploys.sql', ['seen', 'marker', 'list'] as const);
  }

  seen(d: DeploySeen): void {
    this.q.seen.run(d);
  }

  marker(m: DeployMarkerRow): void {
    this.q.marker.run(m);
  }

  /** Newest first. */
  list(service: string | null, environment: string | null): DeployRecord[] {
    return this.q.list.all({ service, environment }) as DeployRecord[];
  }
}
