/**
 * Per-batch accumulation: every span adds to JS maps keyed like the tables, and `flush` writes one
 * upsert per key. A batch of thousands of spans over a few hundred functions thus costs a few
 * hundred rollup reads and writes, not thousands. Hour rollups (fn_hour) are written here only for
 * late spans of hours maintenance has already rolled; the hours live ingest fills are rolled later.
 */
import type { UnmappedReason } from '@protocol/model';
import { type ErrorTypeAdd } from './tables/error-types';
import type { DeploySeen } from './tables/deploys';
import { type CallCounts, type RollupKey, type RollupValue, emptyRollup, mergeRollup, settleHourRollupsTo } from './tables/rollups';
import type { CountedSpan } from './nested-calls';
import type { RouteKey } from './tables/routes';
import type { UnmappedAdd } from './tables/unmapped';
import type { Tables } from './tables';

export class BatchAccumulator {
  private readonly rollups = new Map<string, { key: RollupKey; value: RollupValue }>();
  private readonly routes = new Map<string, { key: RouteKey; count: number; errors: number }>();
  private readonly errorTypes = new Map<string, ErrorTypeAdd>();
  private readonly deploys = new Map<string, DeploySeen>();
  private readonly unmapped = new Map<string, UnmappedAdd>();
  private readonly uncounted: Array<{ key: RollupKey; call: CallCounts }> = [];

  /** @param coarsenedBeforeMin minutes before this go to hour rows (meta 'coarsened_before_min'). */
  constructor(private readonly coarsenedBeforeMin: number) {}

  /** The fn_rollup row a span of `spanMinute` belongs to: its minute, or its hour once coarsened. */
  rollupKey(seriesId: number, fnId: number, spanMinute: number): RollupKey {
    const late = spanMinute < this.coarsenedBeforeMin;
    return { seriesId, fnId, minute: late ? Math.floor(spanMinute / 60) * 60 : spanMinute, widthMin: late ? 60 : 1 };
  }

  rollup(seriesId: number, fnId: number, spanMinute: number): RollupValue {
    const key = this.rollupKey(seriesId, fnId, spanMinute);
    const k = `${key.minute}/${fnId}/${key.widthMin}/${seriesId}`;
    let entry = this.rollups.get(k);
    if (!entry) {
      entry = { key, value: emptyRollup() };
      this.rollups.set(k, entry);
    }
    return entry.value;
  }

  /** Takes a call counted by an earlier batch back out of its rows (nested-calls.ts), after this batch's adds. */
  uncount(c: CountedSpan): void {
    this.uncounted.push({ key: this.rollupKey(c.seriesId, c.fnId, c.minute), call: c });
  }

  /** The batch's rollups before `beforeMin` (a whole hour) summed per hour, for fn_hour (migration 002). */
  private hours(beforeMin: number): Map<string, { key: Omit<RollupKey, 'widthMin'>; value: RollupValue }> {
    const out = new Map<string, { key: Omit<RollupKey, 'widthMin'>; value: RollupValue }>();
    for (const { key, value } of this.rollups.values()) {
      if (key.minute >= beforeMin) continue;
      const hour = Math.floor(key.minute / 60) * 60;
      const k = `${hour}/${key.fnId}/${key.seriesId}`;
      let entry = out.get(k);
      if (!entry) {
        entry = { key: { seriesId: key.seriesId, fnId: key.fnId, minute: hour }, value: emptyRollup() };
        out.set(k, entry);
      }
      mergeRollup(entry.value, value);
    }
    return out;
  }

  route(key: RouteKey, isError: boolean): void {
    const k = `${key.seriesId}/${key.minute}/${key.route}`;
    let entry = this.routes.get(k);
    if (!entry) {
      entry = { key, count: 0, errors: 0 };
      this.routes.set(k, entry);
    }
    entry.count++;
    if (isError) entry.errors++;
  }

  errorType(service: string, environment: string, version: string, fnId: number, type: string, atMs: number, message: string): void {
    const k = `${service}\0${environment}\0${version}\0${fnId}\0${type}`;
    const entry = this.errorTypes.get(k);
    if (!entry) {
      this.errorTypes.set(k, { service, environment, version, fnId, type, count: 1, firstSeenMs: atMs, lastSeenMs: atMs, message });
      return;
    }
    entry.count++;
    entry.firstSeenMs = Math.min(entry.firstSeenMs, atMs);
    if (atMs >= entry.lastSeenMs) {
      entry.lastSeenMs = atMs;
      entry.message = message;
    }
  }

  deploy(service: string, environment: string, version: string, commit: string | null, atMs: number): void {
    const k = `${service}\0${environment}\0${version}`;
    const entry = this.deploys.get(k);
    if (!entry) {
      this.deploys.set(k, { service, environment, version, commit, firstSeenMs: atMs, lastSeenMs: atMs, spanCount: 1 });
      return;
    }
    entry.spanCount++;
    entry.commit ??= commit;
    if (atMs < entry.firstSeenMs) entry.firstSeenMs = atMs;
    if (atMs > entry.lastSeenMs) entry.lastSeenMs = atMs;
  }

  unmappedSpan(service: string, name: string, route: string, reason: UnmappedReason, atMs: number): void {
    const k = `${service}\0${name}\0${route}\0${reason}`;
    const entry = this.unmapped.get(k);
    if (!entry) {
      this.unmapped.set(k, { service, name, route, reason, count: 1, lastSeenMs: atMs });
      return;
    }
    entry.count++;
    if (atMs > entry.lastSeenMs) entry.lastSeenMs = atMs;
  }

  flush(t: Tables): void {
    const rolledToMin = settleHourRollupsTo(t.meta, t.rollups, Date.now());
    for (const { key, value } of this.rollups.values()) t.rollups.add(key, value);
    // After the minute rows are written: summing into hours may share exemplar objects with them.
    for (const { key, value } of this.hours(rolledToMin).values()) t.rollups.addHour(key, value);
    for (const { key, call } of this.uncounted) {
      t.rollups.subtract(key, call);
      if (key.minute < rolledToMin) t.rollups.subtractHour(key, call);
    }
    for (const { key, count, errors } of this.routes.values()) t.routes.add(key, count, errors);
    for (const e of this.errorTypes.values()) t.errorTypes.add(e);
    for (const d of this.deploys.values()) t.deploys.seen(d);
    for (const u of this.unmapped.values()) t.unmapped.add(u);
  }
}
