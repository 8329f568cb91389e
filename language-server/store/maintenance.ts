/**
 * Retention, coarsening and hour rollups in bounded chunks. Each chunk is its own short transaction, and a call
 * stops after `maxChunks` of them with `more: true`, so the caller can spread the work over ticks
 * and ingest or a query never waits long behind it.
 */
import type { Database } from 'better-sqlite3';
import { PENDING_LOG_WAIT_MS, expirePendingLogs } from './ingest';
import type { Tables } from './tables';
import { settleHourRollupsTo } from './tables/rollups';
import type { MaintainResult, RetentionOptions } from './types';

const MS_PER_MIN = 60_000;
/** Spans stamped further than this ahead of now are treated as expired once they are the oldest arrivals. */
const FUTURE_SKEW_MS = 24 * 3_600_000;
/** An hour is rolled into fn_hour this long after it ends; spans of it that arrive later still reach fn_hour, one upsert each. */
const HOUR_ROLL_GRACE_MS = 5 * MS_PER_MIN;

export const DEFAULT_RETENTION: RetentionOptions = {
  rawMaxAgeMs: 3 * 24 * 3_600_000,
  rawMaxBytes: 512 * 1024 * 1024,
  coarsenAfterMs: 48 * 3_600_000,
  chunkRows: 5_000,
  maxChunks: 8,
};

export function maintain(db: Database, t: Tables, r: RetentionOptions, nowMs: number): MaintainResult {
  const result: MaintainResult = { spansDeletedByAge: 0, spansDeletedBySize: 0, rollupRowsCoarsened: 0, routeRowsCoarsened: 0, more: false };
  const beforeNs = BigInt(Math.floor(nowMs - r.rawMaxAgeMs)) * 1_000_000n;
  const futureNs = BigInt(Math.floor(nowMs + FUTURE_SKEW_MS)) * 1_000_000n;
  // Coarsening works on whole hours: a minute row is folded only once its hour is entirely older
  // than the cutoff, so an hour row never receives minutes again after the fact.
  const cutoffMin = Math.floor((nowMs - r.coarsenAfterMs) / MS_PER_MIN / 60) * 60;
  const rollToMin = Math.floor((nowMs - HOUR_ROLL_GRACE_MS) / MS_PER_MIN / 60) * 60;

  const steps: Array<() => number> = [
    () => {
      const d = t.spans.deleteExpired(beforeNs, futureNs, r.chunkRows);
      adjustRawBytes(t, -d.bytes);
      result.spansDeletedByAge += d.count;
      return d.count;
    },
    () => {
      if (t.rawMeta.getNumber('raw_bytes') <= r.rawMaxBytes) return 0;
      const d = t.spans.deleteOldest(r.chunkRows);
      adjustRawBytes(t, -d.bytes);
      result.spansDeletedBySize += d.count;
      return d.count;
    },
    () => {
      const done = t.meta.getNumber('coarsened_before_min');
      if (cutoffMin <= done) return 0;
      const n = t.rollups.coarsen(done, cutoffMin, r.chunkRows);
      // The mark moves in the same transaction as the last chunk, so a span ingested meanwhile
      // either is in a minute row this pass folds or goes straight to an hour row.
      if (n < r.chunkRows) t.meta.set('coarsened_before_min', String(cutoffMin));
      result.rollupRowsCoarsened += n;
      return n;
    },
    () => {
      const n = t.routes.coarsen(cutoffMin, r.chunkRows);
      result.routeRowsCoarsened += n;
      return n;
    },
    () => {
      const done = settleHourRollupsTo(t.meta, t.rollups, nowMs);
      if (rollToMin <= done) return 0;
      // Whole hours per transaction, with the mark, so ingest sees an hour either unrolled (it
      // writes fn_rollup alone) or rolled (it writes fn_hour too), never half rolled.
      const { rolledToMin, rows } = t.rollups.rollHours(done, rollToMin, r.chunkRows);
      t.meta.set('hour_rollups_to_min', String(rolledToMin));
      return rows;
    },
    // Exception logs whose span never came are counted without it, even when no batch arrives.
    () => expirePendingLogs(t, nowMs - PENDING_LOG_WAIT_MS, r.chunkRows),
  ];

  // Only chunks that changed something count against the budget: a step with nothing to do costs
  // one indexed lookup, and counting it would leave `more` set forever.
  let chunks = 0;
  for (const step of steps) {
    for (;;) {
      if (chunks >= r.maxChunks) {
        result.more = true;
        return result;
      }
      const n = db.transaction(step).immediate();
      if (n > 0) chunks++;
      if (n < r.chunkRows) break;
    }
  }
  return result;
}

function adjustRawBytes(t: Tables, delta: number): void {
  t.rawMeta.addBytes(delta);
}
