import type { Database } from 'better-sqlite3';
import { deployEvents, type MarkerEvent, type TrafficSlot } from '../../deploys/events';
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

/** At most this many deploy events are listed (newest first). */
const MAX_EVENTS = 1000;

export class DeploysTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/deploys.sql', ['seen', 'marker', 'versions', 'markers', 'traffic'] as const);
  }

  /** Ingest's per-batch totals of one version. */
  seen(d: DeploySeen): void {
    this.q.seen.run(d);
  }

  marker(m: DeployMarkerRow): void {
    this.q.marker.run(m);
  }

  /**
   * Deploy events, newest first: each time a version became the serving one, so a rollback or a
   * re-deploy of a version is listed again with its own first seen, last seen and spans.
   */
  list(service: string | null, environment: string | null): DeployRecord[] {
    const filter = { service, environment };
    const versions = this.q.versions.all(filter) as DeployRecord[];
    const traffic = this.q.traffic.all(filter) as TrafficSlot[];
    const markers = this.q.markers.all(filter) as MarkerEvent[];
    return deployEvents(versions, traffic, markers).slice(0, MAX_EVENTS);
  }
}
