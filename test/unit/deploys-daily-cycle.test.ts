// The yesterday baseline through the real store and deploy-diff pipeline: a morning deploy whose
// before-window was the quiet night, and the same morning 24 h earlier in the store.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { computeDeployDiff } from '../../language-server/deploys/deploy-diff';
import { GitUnavailableError } from '../../language-server/deploys/git';
import { SymbolExtractor } from '../../language-server/index/symbol-extractor';
import { openStore, type IngestBatch, type Store } from '../../language-server/store';
import { cancelOrder, durations, mapped, MIN, placeOrder, span, T0_MS } from './store-fixtures';
import type { FunctionRef } from '../../language-server/mapping/types';

const HOUR = 60 * MIN;
const DEPLOY = T0_MS + 48 * HOUR;
const N = 600;

let store: Store;
const extractor = new SymbolExtractor();
afterEach(() => store?.close());
afterAll(() => extractor.dispose());

/** N calls of `fn` spread over the hour from `fromMs`, at `scale` times the reference latency. */
function hour(fn: FunctionRef, version: string, fromMs: number, scale: number, seed: number): IngestBatch['spans'] {
  return durations(N, seed).map((d, i) => ({ span: span({ atMs: fromMs + Math.floor((i * HOUR) / N), durationMs: d * scale, version }), resolution: mapped(fn), thrown: null }));
}

/** placeOrder is 50 % slower every morning; cancelOrder is steady. `todayScale` is placeOrder after the deploy. */
function morningDeploy(todayScale: number, withYesterday = true): Store {
  const s = openStore(':memory:');
  const spans = [
    ...(withYesterday ? [...hour(placeOrder, '1.0', DEPLOY - 24 * HOUR, 1.5, 1), ...hour(cancelOrder, '1.0', DEPLOY - 24 * HOUR, 1, 2)] : []),
    ...hour(placeOrder, '1.0', DEPLOY - HOUR, 1, 3),
    ...hour(cancelOrder, '1.0', DEPLOY - HOUR, 1, 4),
    ...hour(placeOrder, '1.1', DEPLOY, todayScale, 5),
    ...hour(cancelOrder, '1.1', DEPLOY, 1, 6),
  ].sort((a, b) => Number(a.span.startNs - b.span.startNs));
  s.ingestBatch({ cursor: '1', spans, logs: [] });
  return s;
}

async function diff(s: Store) {
  const deps = {
    store: s,
    index: { symbolsIn: () => [] },
    extractor,
    isSource: () => true,
    git: () => Promise.reject(new GitUnavailableError('no repository in this test')),
  };
  return (await computeDeployDiff(deps, {}, DEPLOY + HOUR + MIN))!;
}

describe('deploy diff with the same window 24 h earlier', () => {
  it('reports a daily cycle, not a regression, when the morning is always slower', async () => {
    store = morningDeploy(1.5);
    const d = await diff(store);
    expect(d.deploy).toMatchObject({ version: '1.1', previousVersion: '1.0' });
    expect(d.comparison).toMatch(/; also against the same window 24 h earlier \(daily cycles\)$/);
    const place = d.functions.find((f) => f.symbol === placeOrder.qualifiedName)!;
    expect(place).toMatchObject({ verdict: 'unchanged', dailyCycle: true });
    expect(place.latency.p95Ratio!).toBeGreaterThan(1.3);
    expect(d.report.summary.regressed).toBe(0);
    expect(d.report.notes.some((n) => n.startsWith('daily cycle: 1 function moved'))).toBe(true);
  });

  it('still reports a regression on top of the daily cycle', async () => {
    store = morningDeploy(1.5 * 1.5);
    const d = await diff(store);
    expect(d.functions.filter((f) => f.verdict === 'regressed').map((f) => f.symbol)).toEqual([placeOrder.qualifiedName]);
  });

  it('without a day of history, compares with the window before only', async () => {
    store = morningDeploy(1.5, false);
    const d = await diff(store);
    expect(d.comparison).not.toMatch(/24 h earlier/);
    expect(d.functions.find((f) => f.symbol === placeOrder.qualifiedName)!.verdict).toBe('regressed');
  });
});
