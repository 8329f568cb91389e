import type { Database } from 'better-sqlite3';
import { prepareNamed } from '../named-statements';
import type { RouteCount } from '../types';
import sql from './routes.sql';

export interface RouteKey {
  seriesId: number;
  route: string;
  minute: number;
}

/** Entry-span counts per name and minute: the traffic mix a deploy diff checks. */
export class RoutesTable {
  private readonly q;

  constructor(db: Database) {
    this.q = prepareNamed(db, sql, 'tables/routes.sql', ['add', 'forSeries', 'oldMinuteIds', 'foldIntoHours', 'deleteIds'] as const);
  }

  add(k: RouteKey, count: number, errors: number): void {
    this.q.add.run(k.seriesId, k.route, k.minute, count, errors);
  }

  forSeries(seriesId: number, fromMin: number, toMin: number): RouteCount[] {
    return this.q.forSeries.all({ seriesId, from: fromMin, to: toMin }) as RouteCount[];
  }

  /** Folds up to `limit` minute rows older than `cutoffMin` into hour rows. Run inside a transaction. */
  coarsen(cutoffMin: number, limit: number): number {
    const ids = (this.q.oldMinuteIds.all(cutoffMin, limit) as Array<{ id: number }>).map((r) => r.id);
    if (ids.length === 0) return 0;
    const json = JSON.stringify(ids);
    this.q.foldIntoHours.run(json);
    this.q.deleteIds.run(json);
    return ids.length;
  }
}
