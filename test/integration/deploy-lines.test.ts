/**
 * Lines reported by a deployed commit are moved onto the working tree before the enclosing function
 * is picked. A real repository holds version 1 of `src/cart.ts`; the working tree has since gained
 * a class above `priceCart` and a rewritten line in `applyDiscount`. Spans from the real SDK carry
 * version 1's lines and revision, go through a real collector, and a real engine pulls them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionStats } from '../../protocol/model';
import { DEFAULT_SETTINGS } from '../../protocol/settings';
import { openEngine, type Engine } from '../../language-server/engine';
import { startTestCollector, type TestCollector } from '../support/collector';
import { sendSpans } from '../support/otel';
import { DEPLOYED, FILE, NAMELESS, V1_SPANS, WORKING } from './deploy-lines-scenario';
import { git } from './deploy-scenario';

function stats(engine: Engine): Map<string, FunctionStats> {
  return new Map(engine.allFunctionStats().filter((f) => f.file === FILE).map((f) => [f.symbol, f]));
}

describe('deployed line numbers moved onto the working tree at ingest', () => {
  let collector: TestCollector;
  let tmp: string;
  let repo: string;
  let commit = '';
  const engines: Engine[] = [];

  async function engineFor(name: string, gitEnabled = true): Promise<Engine> {
    const engine = await openEngine({
      root: repo,
      settings: { ...DEFAULT_SETTINGS, collectorUrl: collector.httpUrl, services: [name] },
      token: collector.token,
      dbFile: path.join(tmp, `store-${engines.length}.db`),
      pullInBackground: false,
      gitEnabled,
    });
    engines.push(engine);
    await engine.catchUp();
    return engine;
  }

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-lines-'));
    repo = path.join(tmp, 'cart');
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    git(repo, 'init', '-q');
    writeFileSync(path.join(repo, FILE), DEPLOYED);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'v1');
    commit = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(path.join(repo, FILE), WORKING);

    const svc = (service: string, revision: boolean) => ({ collectorUrl: collector.httpUrl, service, version: '1.0.0', resource: revision ? { 'vcs.ref.head.revision': commit } : {} });
    await sendSpans(svc('cart', true), V1_SPANS);
    await sendSpans(svc('cart-unversioned', false), V1_SPANS);
  }, 60_000);

  afterAll(async () => {
    for (const e of engines) await e.close();
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("lands a deployed line on the function that holds that code now, and a rewritten line by name", async () => {
    const s = stats(await engineFor('cart'));
    expect(s.get('priceCart')).toMatchObject({ line: 8, requests: 4, thrownHere: 1 });
    expect(s.get('applyDiscount')).toMatchObject({ line: 13, requests: 2 });
    expect(s.has('StockError.constructor')).toBe(false);
  });

  // As before line moving: whatever sits at the reported line now gets the calls.
  function asReported(s: Map<string, FunctionStats>): void {
    expect(s.get('StockError.constructor')).toMatchObject({ requests: 4, thrownHere: 1 });
    expect(s.get('priceCart')).toMatchObject({ requests: 2, thrownHere: 0 });
    expect(s.has('applyDiscount')).toBe(false);
  }

  it('without a revision takes the reported line as it is', async () => {
    asReported(stats(await engineFor('cart-unversioned')));
  });

  it('never runs git in an untrusted workspace, so lines stay as reported', async () => {
    asReported(stats(await engineFor('cart', false)));
  });

  it('moves lines in the background pull loop as well', async () => {
    let engine: Engine | undefined;
    let landed!: () => void;
    const done = new Promise<void>((resolve) => (landed = resolve));
    const check = () => {
      // Six code.* spans land in the file whichever functions they land on.
      if (engine && [...stats(engine).values()].reduce((n, f) => n + f.requests, 0) === 6) landed();
    };
    engine = await openEngine({
      root: repo,
      settings: { ...DEFAULT_SETTINGS, collectorUrl: collector.httpUrl, services: ['cart'] },
      token: collector.token,
      dbFile: path.join(tmp, 'background.db'),
      onIngest: check,
    });
    engines.push(engine);
    check();
    await done;
    expect(stats(engine).get('priceCart')).toMatchObject({ line: 8, requests: 4, thrownHere: 1 });
    expect(stats(engine).has('StockError.constructor')).toBe(false);
  });

  it('diffs again after the working tree changes', async () => {
    const engine = await engineFor('cart');
    // Two more lines above everything, saved: version 1's line 3 is now line 10.
    const moved = `// cart\n// pricing\n${WORKING}`;
    writeFileSync(path.join(repo, FILE), moved);
    await engine.updateDocument(FILE, moved);
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'cart', version: '1.0.0', resource: { 'vcs.ref.head.revision': commit } }, NAMELESS);
    await engine.catchUp();
    expect(stats(engine).get('priceCart')).toMatchObject({ line: 10, requests: 4 + NAMELESS.length });
    expect(engine.unmapped().filter((u) => u.name === 'work')).toEqual([]);
    writeFileSync(path.join(repo, FILE), WORKING);
  });
});
