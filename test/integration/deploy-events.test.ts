/**
 * Deploys as events over the real language server, collector and SDK: 1.4.1 → 1.4.2 → 1.4.1 (a
 * rollback) → 1.4.2 (a re-deploy), each its own deploy in `prodlens/deploys`, `prodlens/deployDiff`
 * and DORA; and a function edited in the working tree after the deploy marked on its lens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lsp from '../../protocol/lsp';
import { startTestCollector, type TestCollector } from '../support/collector';
import { deploySpansIngested, startInMemory, type TestClient } from '../support/lsp-client';
import { sendSpans } from '../support/otel';
import { AFTER, BEFORE, calls, MIN, shopRepo, V2 } from './deploy-scenario';

const PHASE = 25 * MIN;
const PER_PHASE = 600;

describe('language server: rollbacks and re-deploys are deploys of their own', () => {
  let collector: TestCollector;
  let client: TestClient;
  let tmp: string;
  const now = Date.now();
  // Minute-aligned, so a returning version's start (known to the minute) is its phase's start.
  const start = Math.floor((now - 4 * PHASE - MIN) / MIN) * MIN;
  const phase = (k: number): [number, number] => [start + k * PHASE, start + (k + 1) * PHASE - 1000];

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-deploy-events-'));
    const { repo, a, b } = shopRepo(tmp);
    // After the deploy someone edits getOrder in the working tree (not committed, not deployed).
    writeFileSync(path.join(repo, 'src/orders.ts'), V2.replace('return { id };', 'return { id, cached: true };'));

    const svc = (version: string, commit: string) => ({ collectorUrl: collector.httpUrl, service: 'shop', version, resource: { 'vcs.ref.head.revision': commit } });
    await sendSpans(svc('1.4.1', a), calls(BEFORE, PER_PHASE, ...phase(0), 1));
    await sendSpans(svc('1.4.2', b), calls(AFTER, PER_PHASE, ...phase(1), 2));
    await sendSpans(svc('1.4.1', a), calls(BEFORE, PER_PHASE, ...phase(2), 3));
    await sendSpans(svc('1.4.2', b), calls(AFTER, PER_PHASE, ...phase(3), 4));

    client = await startInMemory({
      root: repo,
      initializationOptions: { settings: { collectorUrl: collector.httpUrl, window: '1h' }, token: collector.token, dbFile: path.join(tmp, 'store.db') },
    });
    await deploySpansIngested(client, 4 * 4 * PER_PHASE);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('lists four deploys, the rollback and the re-deploy with their own times and addresses', async () => {
    const deploys = await client.connection.sendRequest(lsp.deploys, { service: 'shop' });
    expect(deploys.map((d) => [d.version, d.address, d.occurrence, d.rollback])).toEqual([
      ['1.4.2', '1.4.2', 2, false],
      ['1.4.1', '1.4.1', 2, true],
      ['1.4.2', '1.4.2@1', 1, false],
      ['1.4.1', '1.4.1@1', 1, false],
    ]);
    // Each deploy starts with its phase's first span (to the minute for a version seen before).
    expect(deploys.map((d) => Math.round((Date.parse(d.firstSeen) - start) / MIN))).toEqual([75, 50, 25, 0]);
    expect(deploys.every((d) => d.spans === 4 * PER_PHASE)).toBe(true);
  });

  it('diffs the re-deploy against the rollback before it, and the rollback against 1.4.2', async () => {
    const redeploy = (await client.connection.sendRequest(lsp.deployDiff, {}))!;
    expect(redeploy.deploy).toMatchObject({ version: '1.4.2', previousVersion: '1.4.1', occurrence: 2, rollback: false });
    expect(redeploy.report.notes).toContain('re-deploy: 1.4.2 is deployed for the 2nd time');
    expect(redeploy.functions.filter((f) => f.verdict === 'regressed').map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);

    const rollback = (await client.connection.sendRequest(lsp.deployDiff, { version: '1.4.1' }))!;
    expect(rollback.deploy).toMatchObject({ version: '1.4.1', previousVersion: '1.4.2', occurrence: 2, rollback: true });
    expect(rollback.report.notes).toContain('rollback: 1.4.1 follows 1.4.2');
    expect(rollback.functions.filter((f) => f.verdict === 'improved').map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);
    expect(rollback.functions.filter((f) => f.changedInDiff).map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);

    const first = (await client.connection.sendRequest(lsp.deployDiff, { version: '1.4.2@1' }))!;
    expect(first.deploy).toMatchObject({ version: '1.4.2', previousVersion: '1.4.1', occurrence: 1 });
    expect(Math.abs(Date.parse(first.deploy.firstSeen) - (start + PHASE))).toBeLessThanOrEqual(1);
    await expect(client.connection.sendRequest(lsp.deployDiff, { version: '1.4.2@3' })).rejects.toThrow(/no deploy of version "1.4.2@3"/);
  });

  it('counts every deploy for DORA, the rollback restoring what the first 1.4.2 broke', async () => {
    const dora = (await client.connection.sendRequest(lsp.dora, { period: '7d' }))!;
    expect(dora.deploymentFrequency.deploys).toBe(4);
    expect(dora.changeFailureRate).toMatchObject({ failed: 2, deploys: 4 });
    expect(dora.timeToRestore.restored).toBe(1);
  });

  it('marks the function edited since the deployed commit on its lens', async () => {
    const diff = (await client.connection.sendRequest(lsp.deployDiff, {}))!;
    expect(diff.changedSinceDeploy).toEqual([{ file: 'src/orders.ts', symbol: 'getOrder' }]);
    const lenses = await client.codeLenses('src/orders.ts');
    const titles = lenses.map((l) => l.command!.title);
    const getOrder = titles.find((t) => t.includes('changed since'));
    expect(getOrder).toMatch(/ · changed since 1\.4\.2$/);
    expect(titles.filter((t) => t.includes('changed since'))).toHaveLength(1);
    expect(titles.filter((t) => t.includes('▲'))).toHaveLength(2);
    // getOrder is the third function of V2 (after placeOrder's extra line and cancelOrder's throw).
    expect(lenses.find((l) => l.command!.title === getOrder)!.range.start.line).toBe(V2.split('\n').findIndex((l) => l.startsWith('export function getOrder')));
  });
});
