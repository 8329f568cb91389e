/**
 * The deploy requests and lenses over the real language server: `prodlens/deploys`,
 * `prodlens/deployDiff` and `prodlens/dora`, and the `▲ p95 …` note on a regressed function's lens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lsp from '../../protocol/lsp';
import { startTestCollector, type TestCollector } from '../support/collector';
import { deploySpansIngested, startInMemory, type TestClient } from '../support/lsp-client';
import { sendSpans } from '../support/otel';
import { AFTER, BEFORE, calls, MIN, shopRepo } from './deploy-scenario';

describe('language server: deploys, deploy diff, DORA and deploy lenses', () => {
  let collector: TestCollector;
  let client: TestClient;
  let tmp: string;
  const now = Date.now();
  const deployAt = now - 22 * MIN;

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-deploy-lsp-'));
    const { repo, a, b } = shopRepo(tmp);
    const svc = (version: string, commit: string) => ({ collectorUrl: collector.httpUrl, service: 'shop', version, resource: { 'vcs.ref.head.revision': commit } });
    await sendSpans(svc('1.4.1', a), calls(BEFORE, 3000, deployAt - 30 * MIN, deployAt - 1000, 1));
    await sendSpans(svc('1.4.2', b), calls(AFTER, 2400, deployAt, now - 1000, 2));

    client = await startInMemory({
      root: repo,
      initializationOptions: { settings: { collectorUrl: collector.httpUrl, window: '1h' }, token: collector.token, dbFile: path.join(tmp, 'store.db') },
    });
    // Wait until every span has been ingested: the deploy list shows both versions with all their spans.
    await deploySpansIngested(client, 4 * (3000 + 2400));
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('lists deploys newest first and diffs the latest', async () => {
    const deploys = await client.connection.sendRequest(lsp.deploys, { service: 'shop' });
    expect(deploys.map((d) => [d.version, d.source])).toEqual([['1.4.2', 'telemetry'], ['1.4.1', 'telemetry']]);
    const diff = (await client.connection.sendRequest(lsp.deployDiff, {}))!;
    expect(diff.deploy).toMatchObject({ version: '1.4.2', previousVersion: '1.4.1' });
    expect(diff.functions.filter((f) => f.verdict === 'regressed').map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);
  });

  it('puts the regression on the lens of the slowed function only', async () => {
    const lenses = await client.codeLenses('src/orders.ts');
    const byLine = new Map(lenses.map((l) => [l.range.start.line, l.command!.title]));
    expect(byLine.get(0)).toMatch(/ · ▲ p95 \+\d+% since 1\.4\.2 \(q=[0-9.e-]+\)$/);
    expect(byLine.get(5)).toMatch(/ · ▲ errors 0\.\d+%→\d+(\.\d)?% since 1\.4\.2 \(q=[0-9.e-]+\)$/);
    for (const title of [...byLine.values()].filter((t) => t.includes('since 1.4.2'))) expect(title).toContain('▲');
    expect([...byLine.values()].filter((t) => t.includes('▲'))).toHaveLength(2);
  });

  it('answers DORA figures and rejects bad params with the field named', async () => {
    const dora = (await client.connection.sendRequest(lsp.dora, { period: '7d' }))!;
    expect(dora.deploymentFrequency.deploys).toBe(2);
    expect(dora.changeFailureRate).toMatchObject({ failed: 1, deploys: 2 });
    await expect(client.connection.sendRequest(lsp.dora, { period: 'a week' })).rejects.toThrow(/prodlens\/dora: period: a duration such as 7d or 30d/);
    await expect(client.connection.sendRequest(lsp.deployDiff, { service: 'nope' })).rejects.toThrow(/no deploys recorded for service "nope"/);
  });
});
