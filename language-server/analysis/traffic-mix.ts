/**
 * Did the traffic mix change across the deploy? A χ² test of homogeneity on the per-entry-route
 * request counts before vs after (a Lumos-style population check). With millions of requests any
 * wobble is "significant", so a mix only counts as materially changed when the shares also moved
 * by a visible amount (total-variation distance).
 */
import { chiSquareSf } from './distributions';

export interface RouteCount {
  route: string;
  before: number;
  after: number;
}

export interface MixOptions {
  /** Significance level for the χ² test. */
  alpha: number;
  /** Minimum total-variation distance between the share vectors (0.05 = 5 % of traffic moved). */
  minDistance: number;
  /** Routes with fewer expected requests than this on a side are pooled into "(other)". */
  minExpected: number;
}

export const DEFAULT_MIX_OPTIONS: MixOptions = { alpha: 0.01, minDistance: 0.05, minExpected: 5 };

export interface RouteShare {
  route: string;
  before: number;
  after: number;
  shareBefore: number;
  shareAfter: number;
}

export interface MixCheck {
  changed: boolean;
  /** χ² p-value; null when fewer than two routes have traffic. */
  p: number | null;
  /** Total-variation distance between the before and after route shares, 0..1. */
  distance: number;
  routes: RouteShare[];
}

export const OTHER_ROUTES = '(other)';

export function checkTrafficMix(routes: readonly RouteCount[], options: MixOptions = DEFAULT_MIX_OPTIONS): MixCheck {
  for (const r of routes) {
    if (!(r.before >= 0 && r.after >= 0 && Number.isFinite(r.before) && Number.isFinite(r.after))) {
      throw new RangeError(`route ${JSON.stringify(r.route)} has invalid request counts (before ${r.before}, after ${r.after})`);
    }
  }
  const nb = routes.reduce((s, r) => s + r.before, 0);
  const na = routes.reduce((s, r) => s + r.after, 0);
  const shares = (list: readonly RouteCount[]): RouteShare[] =>
    list.map((r) => ({ ...r, shareBefore: nb > 0 ? r.before / nb : 0, shareAfter: na > 0 ? r.after / na : 0 }));
  if (nb === 0 || na === 0) return { changed: false, p: null, distance: 0, routes: shares(routes) };

  const pooled = poolSmall(routes, nb, na, options.minExpected);
  const table = shares(pooled);
  const distance = table.reduce((s, r) => s + Math.abs(r.shareBefore - r.shareAfter), 0) / 2;
  if (pooled.length < 2) return { changed: false, p: null, distance, routes: shares(routes) };

  const n = nb + na;
  let chi = 0;
  for (const r of pooled) {
    const total = r.before + r.after;
    const eb = (total * nb) / n;
    const ea = (total * na) / n;
    chi += (r.before - eb) ** 2 / eb + (r.after - ea) ** 2 / ea;
  }
  const p = chiSquareSf(chi, pooled.length - 1);
  return { changed: p < options.alpha && distance >= options.minDistance, p, distance, routes: shares(routes) };
}

function poolSmall(routes: readonly RouteCount[], nb: number, na: number, minExpected: number): RouteCount[] {
  const n = nb + na;
  const kept: RouteCount[] = [];
  const other: RouteCount = { route: OTHER_ROUTES, before: 0, after: 0 };
  for (const r of routes) {
    const total = r.before + r.after;
    if (total === 0) continue;
    if (Math.min((total * nb) / n, (total * na) / n) >= minExpected) kept.push(r);
    else {
      other.before += r.before;
      other.after += r.after;
    }
  }
  if (other.before + other.after > 0) kept.push(other);
  return kept;
}
