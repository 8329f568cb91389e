/**
 * Per-batch accumulation: every span adds to JS maps keyed like the tables, and `flush` writes one
 * upsert per key. A batch of thousands of spans over a few hundred functions thus costs a few
 * hundred rollup reads and writes, not thousands.
 */
import type { UnmappedReason } from '@protocol/model';
import { type ErrorTypeAdd } from './tables/error-types';
import type { DeploySeen } from './tables/deploys';
import { type RollupKey, type RollupValue, emptyRollup } from './tables/rollups';
import type { RouteKey } from './tables/routes';
import type { UnmappedAdd } from './tables/unmapped';
import type { Tables } from './tables';

export class BatchAccumulator {
  private readonly rollups = new Map<string, { key: RollupKey; value: RollupValue }>();
  private readonly routes = new Map<string, { key: RouteKey; count: number; errors: number }>();
  private readonly errorTypes = new Map<string, ErrorTypeAdd>();
  private readonly deploys = new Map<string, DeploySeen>();
  private readonly unmapped = new Map<string, UnmappedAdd>();

  /** @param coarsenedBeforeMin minutes before this go to hour rows (meta 'coarsened_before_min'). */
  constructor(private readonly coarsenedBeforeMin: number) {}

  rollup(seriesId: number, fnId: number, spanMinute: number): RollupValue {
    const late = spanMinute < this.coarsenedBeforeMin;
    const minute = late ? Math.floor(spanMinute / 60) * 60 : spanMinute;
    const widthMin = late ? 60 : 1;
    const k = `${minute}/${fnId}/${widthMin}/${seriesId}`;
    let entry = this.rollups.get(k);
    if (!entry) {
      entry = { key: { seriesId, fnId, minute, widthMin }, value: emptyRollup() };
      this.rollups.set(k, entry);
    }
    return entry.value;
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
    for (const { key, value } of this.rollups.values()) t.rollups.add(key, value);
    for (const { key, count, errors } of this.routes.values()) t.routes.add(key, count, errors);
    for (const e of this.errorTypes.values()) t.errorTypes.add(e);
    for (const d of this.deploys.values()) t.deploys.seen(d);
    for (const u of this.unmapped.values()) t.unmapped.add(u);
  }
}
