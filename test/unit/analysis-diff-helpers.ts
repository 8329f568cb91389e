// Builders for the deploy-diff tests: generated functions with known before/after populations.
import type { FunctionDiffInput, RouteStratum, SideSample } from '../../language-server/analysis/deploy-diff';
import { mergeInto, totalCount, type Buckets } from '../../language-server/analysis/histogram';
import type { Rng } from '../../language-server/analysis/random';
import { REFERENCE_SHAPE, simulateErrors, simulateHistogram, type LatencyShape } from '../../language-server/analysis/simulate';

export interface SideSpec {
  n: number;
  shape?: Partial<LatencyShape>;
  errorRate?: number;
}

export function side(rng: Rng, spec: SideSpec): SideSample {
  const histogram = simulateHistogram(rng, spec.n, { ...REFERENCE_SHAPE, ...spec.shape });
  return { histogram, requests: spec.n, errors: simulateErrors(rng, spec.n, spec.errorRate ?? 0.01) };
}

export function fn(rng: Rng, id: string, before: SideSpec, after: SideSpec, changedInDiff = false): FunctionDiffInput {
  return { id, changedInDiff, before: side(rng, before), after: side(rng, after) };
}

/** A function called from several entry routes, each with its own latency; counts per route and side. */
export function routedFn(
  rng: Rng,
  id: string,
  routes: Array<{ route: string; before: SideSpec; after: SideSpec }>,
  changedInDiff = false,
): FunctionDiffInput {
  const byRoute: RouteStratum[] = routes.map((r) => ({ route: r.route, before: side(rng, r.before), after: side(rng, r.after) }));
  const merge = (pick: (s: RouteStratum) => SideSample): SideSample => {
    const histogram: Buckets = new Map();
    let requests = 0;
    let errors = 0;
    for (const s of byRoute) {
      mergeInto(histogram, pick(s).histogram);
      requests += pick(s).requests;
      errors += pick(s).errors;
    }
    return { histogram, requests, errors };
  };
  return { id, changedInDiff, before: merge((s) => s.before), after: merge((s) => s.after), byRoute };
}

export function count(f: FunctionDiffInput): number {
  return totalCount(f.before.histogram) + totalCount(f.after.histogram);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
