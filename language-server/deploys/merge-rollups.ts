/** Several versions' rollups of one window as one side (the yesterday baseline spans versions). */
import { mergeInto } from '../analysis/histogram';
import { functionKey } from './changed-functions';
import type { FunctionRollup, VersionRollups } from '../store/types';

export function mergeRollups(parts: readonly VersionRollups[]): VersionRollups {
  const fns = new Map<string, FunctionRollup>();
  const routes = new Map<string, VersionRollups['routes'][number]>();
  for (const p of parts) {
    for (const r of p.functions) {
      const k = functionKey(r.fn.file, r.fn.qualifiedName);
      const prev = fns.get(k);
      if (!prev) {
        fns.set(k, { ...r, histogram: mergeInto(new Map(), r.histogram) });
        continue;
      }
      prev.requests += r.requests;
      prev.errors += r.errors;
      prev.thrownHere += r.thrownHere;
      prev.sumUs += r.sumUs;
      prev.minUs = combine(prev.minUs, r.minUs, Math.min);
      prev.maxUs = combine(prev.maxUs, r.maxUs, Math.max);
      mergeInto(prev.histogram, r.histogram);
    }
    for (const r of p.routes) {
      const prev = routes.get(r.route);
      routes.set(r.route, prev ? { ...prev, requests: prev.requests + r.requests, errors: prev.errors + r.errors } : { ...r });
    }
  }
  return { functions: [...fns.values()], routes: [...routes.values()], errorTypes: parts.flatMap((p) => p.errorTypes) };
}

function combine(a: number | null, b: number | null, pick: (x: number, y: number) => number): number | null {
  return a === null ? b : b === null ? a : pick(a, b);
}
