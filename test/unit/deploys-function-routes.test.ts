/**
 * Per-function entry-route strata read from a real store's raw spans: the route of each call's
 * trace entry span, the busiest routes kept and the rest pooled, and the retention bound.
 */
import { describe, expect, it } from 'vitest';
import { totalCount } from '../../language-server/analysis/histogram';
import { functionKey } from '../../language-server/deploys/changed-functions';
import { OTHER_ROUTES, routeStrata, type StrataSource } from '../../language-server/deploys/function-routes';
import type { FunctionDiffInput } from '../../language-server/analysis/deploy-diff';
import { openStore, type Store } from '../../language-server/store';
import { chargeCard, mapped, MIN, span, T0_MS, unmapped } from './store-fixtures';

const ROUTES = ['/a', '/b', '/c', '/d'];

/** `n` traces per version: an entry span on route ROUTES[i % 4] (GET) and a child call of chargeCard. */
function fill(store: Store, version: string, fromMs: number, n: number): void {
  const spans = [];
  for (let i = 0; i < n; i++) {
    const entry = span({ version, atMs: fromMs + i * 100, durationMs: 12, attributes: { 'http.route': ROUTES[i % 4]!, 'http.request.method': 'GET' } });
    const call = span({ version, traceId: entry.traceId, parentSpanId: entry.spanId, kind: 1, name: 'charge', atMs: fromMs + i * 100 + 1, durationMs: 10, attributes: {} });
    spans.push({ span: call, resolution: mapped(chargeCard), thrown: null }, { span: entry, resolution: unmapped(), thrown: null });
  }
  store.ingestBatch({ cursor: null, spans, logs: [] });
}

function setup(store: Store): { src: StrataSource; inputs: FunctionDiffInput[]; fns: Map<string, typeof chargeCard> } {
  fill(store, '1', T0_MS, 400);
  fill(store, '2', T0_MS + 10 * MIN, 400);
  const id = functionKey(chargeCard.file, chargeCard.qualifiedName);
  const side = { histogram: new Map([[0, 400]]), requests: 400, errors: 0 };
  const src: StrataSource = {
    store,
    service: 'shop',
    environment: 'production',
    beforeVersion: '1',
    afterVersion: '2',
    before: { fromMs: T0_MS, toMs: T0_MS + 10 * MIN },
    after: { fromMs: T0_MS + 10 * MIN, toMs: T0_MS + 20 * MIN },
  };
  return { src, inputs: [{ id, changedInDiff: false, before: side, after: side }], fns: new Map([[id, chargeCard]]) };
}

describe('per-function entry-route strata from raw spans', () => {
  it('splits a function by its trace entry route and pools the routes beyond the top K', () => {
    const store = openStore(':memory:');
    const { src, inputs, fns } = setup(store);
    const o = { minSamples: 200, topRoutes: 2, callsPerFunction: 10_000, callBudget: 100_000, maxCalls: 100_000, minCoverage: 0.9 };
    const strata = routeStrata(src, inputs, fns, o);
    const byRoute = strata.byFunction.get(inputs[0]!.id)!;
    expect(strata.notes).toEqual([]);
    expect(byRoute.map((r) => [r.route, r.before.requests, r.after.requests])).toEqual([
      ['GET /a', 100, 100],
      ['GET /b', 100, 100],
      [OTHER_ROUTES, 200, 200],
    ]);
    expect(totalCount(byRoute[2]!.after.histogram)).toBe(200);
  });

  it('samples a busy function down to its share of calls', () => {
    const store = openStore(':memory:');
    const { src, inputs, fns } = setup(store);
    const o = { minSamples: 200, topRoutes: 5, callsPerFunction: 200, callBudget: 100_000, maxCalls: 100_000, minCoverage: 0.9 };
    const byRoute = routeStrata(src, inputs, fns, o).byFunction.get(inputs[0]!.id)!;
    const read = byRoute.reduce((n, r) => n + r.before.requests, 0);
    expect(read).toBeGreaterThan(140);
    expect(read).toBeLessThan(260);
  });

  it('leaves the function unstratified and says so when retention dropped its raw spans', () => {
    const store = openStore(':memory:', { retention: { rawMaxAgeMs: 15 * MIN } });
    const { src, inputs, fns } = setup(store);
    // Raw spans older than 15 minutes before this "now" go; the rollups stay.
    while (store.maintain(T0_MS + 25 * MIN).more);
    const strata = routeStrata(src, inputs, fns);
    expect(strata.byFunction.size).toBe(0);
    expect(strata.notes).toEqual(['per-function traffic mix not checked for 1 function: their raw spans in the compared windows were already dropped by retention']);
  });
});
