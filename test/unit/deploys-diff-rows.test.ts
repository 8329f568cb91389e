// The deploy diff's rows through the real store: a deploy minutes old judged by the early look, and
// ambiguous routes (stored on a stand-in function) left out of the per-function rows with a note.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { computeDeployDiff } from '../../language-server/deploys/deploy-diff';
import { GitUnavailableError } from '../../language-server/deploys/git';
import { SymbolExtractor } from '../../language-server/index/symbol-extractor';
import { AMBIGUOUS_FILE, groupRef } from '../../language-server/mapping/ambiguous-group';
import type { FunctionRef } from '../../language-server/mapping/types';
import { openStore, type IngestBatch, type Store } from '../../language-server/store';
import { cancelOrder, durations, mapped, MIN, placeOrder, span, T0_MS } from './store-fixtures';

const DEPLOY = T0_MS + 2 * 60 * MIN;
const showOrder: FunctionRef = { file: 'src/orders.ts', qualifiedName: 'showOrder', line: 40 };
const showOrderAdmin: FunctionRef = { file: 'src/admin.ts', qualifiedName: 'showOrder', line: 8 };
const standIn = groupRef('GET /orders/:id', [showOrder, showOrderAdmin]);

let store: Store;
const extractor = new SymbolExtractor();
afterEach(() => store?.close());
afterAll(() => extractor.dispose());

/** `n` calls of `fn` spread over `[fromMs, fromMs + spanMs)`, at `scale` times the reference latency. */
function calls(fn: FunctionRef, version: string, fromMs: number, spanMs: number, n: number, scale: number, seed: number, errorEvery = 0): IngestBatch['spans'] {
  return durations(n, seed).map((d, i) => ({
    span: span({ atMs: fromMs + Math.floor((i * spanMs) / n), durationMs: d * scale, version, statusCode: errorEvery > 0 && i % errorEvery === 0 ? 2 : 0 }),
    resolution: mapped(fn),
    thrown: null,
  }));
}

/**
 * Version 1.0 for 10 minutes, then 1.1 for 4 minutes, 150 calls a minute each: placeOrder 3× slower,
 * cancelOrder failing one call in three, the ambiguous route 3× slower too.
 */
function freshDeploy(): Store {
  const s = openStore(':memory:');
  const before = DEPLOY - 10 * MIN;
  const spans = [
    ...calls(placeOrder, '1.0', before, 10 * MIN, 1500, 1, 1),
    ...calls(cancelOrder, '1.0', before, 10 * MIN, 1500, 1, 2, 200),
    ...calls(standIn, '1.0', before, 10 * MIN, 1500, 1, 3),
    ...calls(placeOrder, '1.1', DEPLOY, 4 * MIN, 600, 3, 4),
    ...calls(cancelOrder, '1.1', DEPLOY, 4 * MIN, 600, 1, 5, 3),
    ...calls(standIn, '1.1', DEPLOY, 4 * MIN, 600, 3, 6),
  ].sort((a, b) => Number(a.span.startNs - b.span.startNs));
  s.ingestBatch({ cursor: '1', spans, logs: [] });
  return s;
}

async function diffAt(s: Store, nowMs: number) {
  const deps = {
    store: s,
    index: { symbolsIn: () => [] },
    extractor,
    isSource: () => true,
    git: () => Promise.reject(new GitUnavailableError('no repository in this test')),
  };
  return (await computeDeployDiff(deps, {}, nowMs))!;
}

describe('a deploy minutes old', () => {
  it('reports the overwhelming changes at once as early verdicts, on the real clock', async () => {
    store = freshDeploy();
    const d = await diffAt(store, DEPLOY + 5 * MIN);
    expect(d.report.checkpoint!.label).toBe('early');
    expect(d.report.nextCheckpoint!.label).toBe('15 min');
    const byName = new Map(d.functions.map((f) => [f.symbol, f]));
    expect(byName.get(placeOrder.qualifiedName)).toMatchObject({ verdict: 'regressed', early: true });
    expect(byName.get(cancelOrder.qualifiedName)).toMatchObject({ verdict: 'regressed', early: true });
    expect(byName.get(cancelOrder.qualifiedName)!.errors.rateAfter!).toBeGreaterThan(0.3);
    expect(d.report.notes[0]).toMatch(/^early look: 2 verdicts on overwhelming evidence/);
  });
});

describe('ambiguous routes in the deploy diff', () => {
  it('leaves the stand-in out of the rows and names the route in a note', async () => {
    store = freshDeploy();
    // Precondition: the stand-in's calls are in the store like any function's.
    expect(store.versionRollups('shop', 'production', '1.1', { fromMs: DEPLOY, toMs: DEPLOY + 5 * MIN }).functions.some((f) => f.fn.file === AMBIGUOUS_FILE)).toBe(true);
    const d = await diffAt(store, DEPLOY + 20 * MIN);
    expect(d.functions.map((f) => f.file)).not.toContain(AMBIGUOUS_FILE);
    expect(d.functions.map((f) => f.symbol).sort()).toEqual([cancelOrder.qualifiedName, placeOrder.qualifiedName].sort());
    expect(d.report.summary.regressed).toBe(2);
    expect(d.report.notes).toContain('1 ambiguous route not judged (several handlers, so their calls belong to none of them): GET /orders/:id (2 handlers)');
  });
});
