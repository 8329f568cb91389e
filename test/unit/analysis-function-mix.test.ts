// The traffic-mix check per function: the service's mix of many routes barely moves, but the entry
// routes reaching one function do, and that function must be stratified rather than called regressed.
import { describe, expect, it } from 'vitest';
import { diffDeploy, type FunctionDiffInput } from '../../language-server/analysis/deploy-diff';
import { seededRng } from '../../language-server/analysis/random';
import { HOUR, routedFn } from './analysis-diff-helpers';

/** Ten routes of 10,000 requests a side; 2,000 requests move from GET /orders to GET /export. */
const serviceRoutes = [
  { route: 'GET /orders', before: 11_500, after: 9_500 },
  { route: 'GET /export', before: 500, after: 2_500 },
  ...Array.from({ length: 8 }, (_, i) => ({ route: `GET /r${i}`, before: 11_000, after: 11_000 })),
];

/** `renderCsv` is fast from /orders and slow from /export; /export's share of its calls goes 5 % → 40 %. */
function renderCsv(seed: number, exportScaleAfter = 1): FunctionDiffInput {
  return routedFn(seededRng(seed), 'renderCsv', [
    { route: 'GET /orders', before: { n: 3800, shape: { medianMs: 20 } }, after: { n: 2400, shape: { medianMs: 20 } } },
    { route: 'GET /export', before: { n: 200, shape: { medianMs: 200 } }, after: { n: 1600, shape: { medianMs: 200, scale: exportScaleAfter } } },
  ]);
}

describe('traffic mix per function', () => {
  it('flags the mix of routes reaching a function even when the service-wide mix holds', () => {
    const r = diffDeploy({ functions: [renderCsv(401)], routes: serviceRoutes, elapsedMs: HOUR });
    expect(r.trafficMix.changed).toBe(false);
    const f = r.functions[0]!;
    expect(f.latency.p95Ratio!).toBeGreaterThan(2);
    expect(f.verdict).toBe('unchanged');
    expect(f.explainedByMix).toBe(true);
    expect(f.latency.adjustedFor).toEqual(['traffic-mix']);
    expect(f.reasons).toContain('traffic mix changed: GET /export share 5 % → 40 %');
  });

  it('still finds a regression inside one route while that function’s mix moves', () => {
    const r = diffDeploy({ functions: [renderCsv(402, 1.6)], routes: serviceRoutes, elapsedMs: HOUR });
    const f = r.functions[0]!;
    expect(f.verdict).toBe('regressed');
    expect(f.explainedByMix).toBe(false);
    expect(f.reasons).toContain('traffic mix changed: GET /export share 5 % → 40 %');
  });

  it('leaves a function whose own mix is steady unstratified', () => {
    const steady = routedFn(seededRng(403), 'steady', [
      { route: 'GET /orders', before: { n: 3000, shape: { medianMs: 20 } }, after: { n: 3000, shape: { medianMs: 20 } } },
      { route: 'GET /export', before: { n: 1000, shape: { medianMs: 200 } }, after: { n: 1000, shape: { medianMs: 200 } } },
    ]);
    const f = diffDeploy({ functions: [steady], routes: serviceRoutes, elapsedMs: HOUR }).functions[0]!;
    expect(f).toMatchObject({ verdict: 'unchanged', explainedByMix: false });
    expect(f.latency.adjustedFor).toEqual([]);
  });
});
