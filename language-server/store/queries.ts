/**
 * Read side: rollup rows of a window merged per function into what lenses, hovers and deploy diffs
 * need. Every query is bounded by the window and served from indexes.
 */
import type { FunctionStats } from '@protocol/model';
import { type Buckets, bucketIndex, bucketLower, quantile } from '../analysis/histogram';
import type { FunctionRef } from '../mapping/types';
import { type ExemplarSet, emptyExemplars, mergeExemplars } from './exemplars';
import type { Tables } from './tables';
import {
  type CountRow,
  type RollupRow,
  type RollupValue,
  addCounts,
  decodeRollup,
  emptyRollup,
  hourRollupsTo,
  mappedByList,
  mergeRollup,
  rowFunction,
} from './tables/rollups';
import type {
  DetailOptions,
  FunctionDetail,
  FunctionRollup,
  StatsQuery,
  TimeWindow,
  VersionCount,
  VersionRollups,
} from './types';

const MS_PER_MIN = 60_000;

/** The window in whole minutes: the partial minutes at either end are included. */
export function windowMinutes(w: TimeWindow): { fromMin: number; toMin: number } {
  return { fromMin: Math.floor(w.fromMs / MS_PER_MIN), toMin: Math.ceil(w.toMs / MS_PER_MIN) };
}

/**
 * A window split for reading: its whole hours that fn_hour holds complete, [hoursFromMin,
 * hoursToMin) (meta 'hour_rollups_from_min' and 'hour_rollups_to_min'), from fn_hour; the rest from
 * fn_rollup: the ragged minutes at either end, and the hours before fn_hour is complete or not yet
 * rolled into it (the current hour, at least). Windows with less than an hour of such whole hours
 * read fn_rollup alone. Edge reads count fn_rollup's coarsened hour rows whole, as every window
 * read always has; every edge boundary inside the window is a whole hour, so none is split.
 */
export interface WindowPlan {
  hours: { fromMin: number; toMin: number } | null;
  edges: Array<{ fromMin: number; toMin: number }>;
}

export function planWindow(fromMin: number, toMin: number, hoursFromMin: number, hoursToMin: number): WindowPlan {
  const hourFrom = Math.max(Math.ceil(fromMin / 60) * 60, Math.ceil(hoursFromMin / 60) * 60);
  const hourTo = Math.min(Math.floor(toMin / 60) * 60, Math.floor(hoursToMin / 60) * 60);
  if (hourTo - hourFrom < 60) return { hours: null, edges: [{ fromMin, toMin }] };
  const edges = [];
  if (fromMin < hourFrom) edges.push({ fromMin, toMin: hourFrom });
  if (hourTo < toMin) edges.push({ fromMin: hourTo, toMin });
  return { hours: { fromMin: hourFrom, toMin: hourTo }, edges };
}

function plan(t: Tables, fromMin: number, toMin: number): WindowPlan {
  return planWindow(fromMin, toMin, t.meta.getNumber('hour_rollups_from_min'), hourRollupsTo(t.meta, t.rollups, Date.now()));
}

function windowRows(t: Tables, fromMin: number, toMin: number, q: Pick<StatsQuery, 'files' | 'services' | 'environments'>): CountRow[] {
  const p = plan(t, fromMin, toMin);
  const rows = p.hours ? t.rollups.hoursInWindow(p.hours.fromMin, p.hours.toMin, q.files, q.services, q.environments) : [];
  for (const e of p.edges) rows.push(...t.rollups.inWindow(e.fromMin, e.toMin, q.files, q.services, q.environments));
  return rows;
}

function functionRows(t: Tables, fnId: number, fromMin: number, toMin: number): RollupRow[] {
  const p = plan(t, fromMin, toMin);
  const rows = p.hours ? t.rollups.hoursForFunction(fnId, p.hours.fromMin, p.hours.toMin) : [];
  for (const e of p.edges) rows.push(...t.rollups.forFunction(fnId, e.fromMin, e.toMin));
  return rows;
}

interface Merged {
  fn: FunctionRef;
  value: RollupValue;
}

/** Numbers and histograms per function; lenses, reports and deploy diffs show no exemplars. */
function mergeByFunction<R extends CountRow>(rows: R[], refOf: (row: R) => FunctionRef | null): Map<number, Merged> {
  const out = new Map<number, Merged>();
  for (const row of rows) {
    let m = out.get(row.fnId);
    if (!m) {
      const fn = refOf(row);
      if (fn === null) continue;
      m = { fn, value: emptyRollup() };
      out.set(row.fnId, m);
    }
    addCounts(m.value, row);
  }
  return out;
}

const toMs = (us: number | null): number | null => (us === null ? null : us / 1000);

export function toFunctionStats(fn: FunctionRef, v: RollupValue, windowMin: number): FunctionStats {
  return {
    file: fn.file,
    symbol: fn.qualifiedName,
    line: fn.line + 1,
    requests: v.count,
    errors: v.errors,
    thrownHere: v.thrownHere,
    ratePerMin: windowMin > 0 ? v.count / windowMin : 0,
    errorRate: v.count > 0 ? v.errors / v.count : null,
    p50Ms: toMs(quantile(v.hist, 0.5)),
    p95Ms: toMs(quantile(v.hist, 0.95)),
    p99Ms: toMs(quantile(v.hist, 0.99)),
    mappedBy: mappedByList(v.mappedBy),
    confidence: v.count > 0 ? v.confidenceSum / v.count : 0,
    ambiguous: v.ambiguous > 0,
  };
}

export function functionStats(t: Tables, q: StatsQuery): FunctionStats[] {
  const { fromMin, toMin } = windowMinutes(q);
  const rows = windowRows(t, fromMin, toMin, q);
  const windowMin = Math.max(0, (q.toMs - q.fromMs) / MS_PER_MIN);
  return [...mergeByFunction(rows, (row) => t.functions.ref(row.fnId)).values()]
    .map((m) => toFunctionStats(m.fn, m.value, windowMin))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

export function functionDetail(t: Tables, fn: Pick<FunctionRef, 'file' | 'qualifiedName'>, w: TimeWindow, o: DetailOptions = {}): FunctionDetail | null {
  const fnId = t.functions.find(fn);
  if (fnId === null) return null;
  const ref = t.functions.ref(fnId)!;
  const { fromMin, toMin } = windowMinutes(w);
  const rows = functionRows(t, fnId, fromMin, toMin);
  const total = emptyRollup();
  const versions = new Map<string, VersionCount>();
  const exemplars: ExemplarSet = emptyExemplars();
  for (const row of rows) {
    const v = decodeRollup(row);
    mergeRollup(total, v);
    const k = `${row.service}\0${row.environment}\0${row.version}`;
    const vc = versions.get(k) ?? { service: row.service, environment: row.environment, version: row.version, requests: 0, errors: 0 };
    vc.requests += v.count;
    vc.errors += v.errors;
    versions.set(k, vc);
    mergeExemplars(exemplars, v.exemplars);
  }
  const fromNs = BigInt(Math.floor(w.fromMs)) * 1_000_000n;
  const toNs = BigInt(Math.ceil(w.toMs)) * 1_000_000n;
  const p95Us = quantile(total.hist, 0.95);
  const exemplarLimit = o.exemplarLimit ?? 5;
  return {
    fn: ref,
    stats: rows.length > 0 ? toFunctionStats(ref, total, (w.toMs - w.fromMs) / MS_PER_MIN) : null,
    histogram: total.hist,
    versions: [...versions.values()].sort((a, b) => b.requests - a.requests),
    slowest: exemplars.slow.slice(0, exemplarLimit),
    failing: [...exemplars.errors].sort((a, b) => b.last.startMs - a.last.startMs).slice(0, exemplarLimit),
    spans: t.spans.recent(fnId, fromNs, toNs, o.spanLimit ?? 500),
    // The threshold is the lower edge of the p95 bucket, so every span the histogram counts at
    // or above p95 qualifies.
    outliers: p95Us === null ? [] : t.spans.outliers(fnId, fromNs, toNs, bucketLower(bucketIndex(p95Us)), o.outlierLimit ?? 200),
  };
}

export function versionRollups(t: Tables, service: string, environment: string, version: string, w: TimeWindow): VersionRollups {
  const { fromMin, toMin } = windowMinutes(w);
  const seriesId = t.series.find({ service, environment, version });
  const errorTypes = t.errorTypes.forVersion(service, environment, version);
  if (seriesId === null) return { functions: [], routes: [], errorTypes };
  const merged = mergeByFunction(t.rollups.forSeries(seriesId, fromMin, toMin), rowFunction);
  const functions: FunctionRollup[] = [...merged.values()].map(({ fn, value }) => ({
    fn,
    requests: value.count,
    errors: value.errors,
    thrownHere: value.thrownHere,
    sumUs: value.sumUs,
    minUs: value.minUs,
    maxUs: value.maxUs,
    histogram: value.hist as Buckets,
  }));
  return {
    functions,
    routes: t.routes.forSeries(seriesId, fromMin, toMin),
    errorTypes,
  };
}
