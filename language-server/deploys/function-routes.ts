/**
 * Per-function entry-route strata for the deploy diff, from raw spans: the service-wide route mix
 * (route_minute) can stay flat while the mix reaching one function moves — a slow export route
 * calling a shared helper more often — and only the per-function split lets the statistics tell
 * that apart from a regression (analysis/function-tests.ts). Raw spans are bounded by retention, so
 * a function whose raw calls no longer cover its rollups is left unstratified, and the diff says so.
 * Strata of busy functions are samples, so their counts are calls read, not calls made.
 */
import { mergeInto } from '../analysis/histogram';
import { DEFAULT_DEPLOY_DIFF_OPTIONS, type FunctionDiffInput, type RouteStratum, type SideSample } from '../analysis/deploy-diff';
import type { RouteCalls, Store, TimeWindow } from '../store';
import { functionKey } from './changed-functions';

export interface RouteStrataOptions {
  /** Calls per side a function needs before its routes are read (the diff's minimum samples). */
  minSamples: number;
  /** Routes kept per function, by calls on both sides; the rest are pooled as `other`. */
  topRoutes: number;
  /**
   * Calls read per function and side; a busier function is sampled down to about this many, which
   * bounds the diff's time and still gives each route stratum thousands of calls.
   */
  callsPerFunction: number;
  /** Raw calls read per side over all functions: every share is scaled down to fit (about 4 µs a call). */
  callBudget: number;
  /** Most raw calls read per side, a hard stop whatever the options above. */
  maxCalls: number;
  /** Share of a side's rollup calls its raw spans must still hold. */
  minCoverage: number;
}

export const DEFAULT_ROUTE_STRATA: RouteStrataOptions = { minSamples: DEFAULT_DEPLOY_DIFF_OPTIONS.minSamples, topRoutes: 5, callsPerFunction: 1_500, callBudget: 50_000, maxCalls: 1_000_000, minCoverage: 0.9 };

export const OTHER_ROUTES = 'other';

export interface StrataSource {
  store: Pick<Store, 'functionRoutes'>;
  service: string;
  environment: string;
  beforeVersion: string;
  afterVersion: string;
  before: TimeWindow;
  after: TimeWindow;
}

export interface RouteStrata {
  /** By function key, for the functions that have them. */
  byFunction: Map<string, RouteStratum[]>;
  notes: string[];
}

/** Adds `byRoute` to every function the raw spans can split; the rest stay as they were. */
export function withRouteStrata(inputs: readonly FunctionDiffInput[], strata: RouteStrata): FunctionDiffInput[] {
  return inputs.map((f) => {
    const byRoute = strata.byFunction.get(f.id);
    return byRoute ? { ...f, byRoute } : f;
  });
}

export function routeStrata(src: StrataSource, inputs: readonly FunctionDiffInput[], fns: ReadonlyMap<string, { file: string; qualifiedName: string }>, o = DEFAULT_ROUTE_STRATA): RouteStrata {
  const eligible = inputs.filter((f) => Math.min(f.before.requests, f.after.requests) >= o.minSamples && fns.has(f.id));
  if (eligible.length === 0) return { byFunction: new Map(), notes: [] };
  const refs = eligible.map((f) => fns.get(f.id)!);
  const capped = (side: 'before' | 'after') => eligible.reduce((n, f) => n + Math.min(f[side].requests, o.callsPerFunction), 0);
  const scale = { before: Math.min(1, o.callBudget / capped('before')), after: Math.min(1, o.callBudget / capped('after')) };
  const share = (calls: number, side: 'before' | 'after') => Math.min(1, o.callsPerFunction / calls) * scale[side];
  const read = (version: string, w: TimeWindow, side: 'before' | 'after') =>
    src.store.functionRoutes({
      service: src.service,
      environment: src.environment,
      version,
      fns: refs.map((r, i) => ({ ...r, share: share(eligible[i]![side].requests, side) })),
      fromMs: w.fromMs,
      toMs: w.toMs,
      limit: o.maxCalls,
    });
  const before = read(src.beforeVersion, src.before, 'before');
  const after = read(src.afterVersion, src.after, 'after');
  const byFunction = new Map<string, RouteStratum[]>();
  let uncovered = 0;
  eligible.forEach((f, i) => {
    const b = before.functions[i]!.routes;
    const a = after.functions[i]!.routes;
    if (!covers(b, f.before.requests * share(f.before.requests, 'before'), o) || !covers(a, f.after.requests * share(f.after.requests, 'after'), o)) {
      uncovered++;
      return;
    }
    byFunction.set(functionKey(refs[i]!.file, refs[i]!.qualifiedName), topRoutes(b, a, o.topRoutes));
  });
  const notes: string[] = [];
  if (before.truncated || after.truncated) notes.push(`per-function traffic mix read from the first ${o.maxCalls} raw calls of each side only`);
  if (uncovered > 0) {
    notes.push(
      `per-function traffic mix not checked for ${uncovered} function${uncovered === 1 ? '' : 's'}: their raw spans in the compared windows were already dropped by retention`,
    );
  }
  return { byFunction, notes };
}

function covers(routes: readonly RouteCalls[], expected: number, o: RouteStrataOptions): boolean {
  // A sampled read varies binomially around its expected count; three standard deviations of slack
  // keep sampling noise from passing for spans lost to retention.
  return routes.reduce((n, r) => n + r.requests, 0) >= o.minCoverage * expected - 3 * Math.sqrt(expected);
}

/** The `k` busiest routes over both sides, the rest pooled as `other`, in a fixed order. */
function topRoutes(before: readonly RouteCalls[], after: readonly RouteCalls[], k: number): RouteStratum[] {
  const m = new Map<string, Pooled>();
  const get = (route: string) => m.get(route) ?? m.set(route, { route, before: emptySide(), after: emptySide() }).get(route)!;
  for (const r of before) add(get(r.route).before, r);
  for (const r of after) add(get(r.route).after, r);
  const ranked = [...m.values()].sort((x, y) => y.before.requests + y.after.requests - (x.before.requests + x.after.requests) || x.route.localeCompare(y.route));
  if (ranked.length <= k) return ranked;
  const other: Pooled = { route: OTHER_ROUTES, before: emptySide(), after: emptySide() };
  for (const r of ranked.slice(k)) {
    add(other.before, r.before);
    add(other.after, r.after);
  }
  return [...ranked.slice(0, k), other];
}

interface Side extends SideSample {
  histogram: Map<number, number>;
}

interface Pooled {
  route: string;
  before: Side;
  after: Side;
}

function emptySide(): Side {
  return { histogram: new Map(), requests: 0, errors: 0 };
}

function add(into: Side, s: SideSample): void {
  mergeInto(into.histogram, s.histogram);
  into.requests += s.requests;
  into.errors += s.errors;
}
