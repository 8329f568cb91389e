/**
 * `prodlens diff` end to end: a real git repository with two commits, a real collector, spans from
 * the OpenTelemetry JS SDK for version 1 (commit A) and then version 2 (commit B), and the CLI as a
 * child process. Version 2 makes `placeOrder` slower and `cancelOrder` throw; the other two
 * functions are untouched and behave the same.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployDiffJson } from '../../protocol/model';
import { CLI, startTestCollector, type TestCollector } from '../support/collector';
import { sendSpans } from '../support/otel';
import { AFTER, BEFORE, calls, git, MIN, V1, V2 } from './deploy-scenario';

const run = promisify(execFile);
const ENV = 'production';

async function diff(collector: TestCollector, dir: string, db: string, ...extra: string[]) {
  return run(process.execPath, [CLI, 'diff', dir, '--source', collector.httpUrl, '--token', collector.token, '--db', db, ...extra], { maxBuffer: 32 * 1024 * 1024 });
}

async function diffJson(collector: TestCollector, dir: string, db: string, ...extra: string[]): Promise<DeployDiffJson> {
  return JSON.parse((await diff(collector, dir, db, '--format', 'json', ...extra)).stdout) as DeployDiffJson;
}

describe('prodlens diff over a real repository, collector and SDK', () => {
  let collector: TestCollector;
  let tmp: string;
  let repo: string;
  let commitA: string;
  let commitB: string;
  const now = Date.now();
  const deployAt = now - 22 * MIN;

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-deploy-'));
    repo = path.join(tmp, 'shop');
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    git(repo, 'init', '-q');
    writeFileSync(path.join(repo, 'package.json'), '{ "name": "shop", "private": true }\n');
    writeFileSync(path.join(repo, 'src/orders.ts'), V1);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'v1');
    commitA = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(path.join(repo, 'src/orders.ts'), V2);
    git(repo, 'commit', '-q', '-am', 'v2: reprice items, refuse even cancellations');
    commitB = git(repo, 'rev-parse', 'HEAD');

    const svc = (service: string, version: string, commit: string) => ({
      collectorUrl: collector.httpUrl,
      service,
      version,
      environment: ENV,
      resource: { 'vcs.ref.head.revision': commit },
    });
    // 3,000 calls per function over the 30 minutes before the deploy, 2,400 over the 22 since.
    await sendSpans(svc('shop', '1', commitA), calls(BEFORE, 3000, deployAt - 30 * MIN, deployAt - 1000, 1));
    await sendSpans(svc('shop', '2', commitB), calls(AFTER, 2400, deployAt, now - 1000, 2));
    // Smaller services for the bad-input cases: a commit the repository lacks, and a rollback.
    await sendSpans(svc('shop-missing', '1', commitA), calls(BEFORE, 400, deployAt - 30 * MIN, deployAt - 1000, 3));
    await sendSpans(svc('shop-missing', '2', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'), calls(AFTER, 400, deployAt, now - 1000, 4));
    await sendSpans(svc('shop-rollback', '2.0.0', commitB), calls(AFTER, 400, deployAt - 30 * MIN, deployAt - 1000, 5));
    await sendSpans(svc('shop-rollback', '1.9.0', commitA), calls(BEFORE, 400, deployAt, now - 1000, 6));
  }, 120_000);

  afterAll(async () => {
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('reports exactly the slowed and the failing function as regressed, both changed in the diff', async () => {
    const d = await diffJson(collector, repo, path.join(tmp, 'main.db'), '--service', 'shop');
    expect(d).toMatchObject({
      service: 'shop',
      environment: ENV,
      deploy: { version: '2', commit: commitB, previousVersion: '1', previousCommit: commitA },
      gitProblem: null,
    });
    const byName = new Map(d.functions.map((f) => [f.symbol, f]));
    expect(d.functions.filter((f) => f.verdict === 'regressed').map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);
    const place = byName.get('placeOrder')!;
    expect(place).toMatchObject({ file: 'src/orders.ts', line: 1, changedInDiff: true });
    expect(place.latency.p95Ratio!).toBeGreaterThan(1.3);
    expect(place.latency.q!).toBeLessThan(0.005);
    expect(place.diffLines).toContain('+  const priced = items.map((i) => reprice(i));');
    const cancel = byName.get('cancelOrder')!;
    expect(cancel.changedInDiff).toBe(true);
    expect(cancel.errors.rateAfter!).toBeGreaterThan(cancel.errors.rateBefore! * 5);
    expect(cancel.newErrorTypes.map((t) => t.type)).toContain('CancelError');
    for (const name of ['getOrder', 'listOrders']) {
      expect(byName.get(name)).toMatchObject({ verdict: 'unchanged', changedInDiff: false, diffLines: [] });
    }
    // Every contract field of DESIGN.md "CLI" is present.
    for (const key of ['file', 'symbol', 'line', 'verdict', 'changedInDiff', 'before', 'after']) expect(place).toHaveProperty(key);
    expect(place.latency).toHaveProperty('p95Ratio');
    expect(place.errors).toHaveProperty('rateBefore');
  }, 60_000);

  it('exits 1 with --fail-on regression and prints a markdown comment', async () => {
    const db = path.join(tmp, 'gate.db');
    await expect(diff(collector, repo, db, '--service', 'shop', '--fail-on', 'regression')).rejects.toMatchObject({ code: 1 });
    const md = (await diff(collector, repo, db, '--service', 'shop', '--format', 'markdown')).stdout;
    // Names from telemetry are backslash-escaped so they cannot form markdown; GitHub renders them plainly.
    expect(md.split('\n')[0]).toBe('### shop \\(production\\) 2 vs 1\\: 2 regressed\\, 0 improved\\, 2 unchanged\\, 0 not enough data');
    expect(md).toContain('| regressed | placeOrder |');
    expect(md).toContain('```diff');
  }, 60_000);

  it('still reports the statistics when a commit is missing, and says how to fetch it', async () => {
    const d = await diffJson(collector, repo, path.join(tmp, 'missing.db'), '--service', 'shop-missing');
    expect(d.gitProblem).toBe('commit deadbeefdeadbeefdeadbeefdeadbeefdeadbeef of shop-missing 2 is not in this repository; fetch it: git fetch origin deadbeefdeadbeefdeadbeefdeadbeefdeadbeef');
    expect(d.functions).toHaveLength(4);
    expect(d.functions.every((f) => f.before.requests > 0 && f.after.requests > 0 && !f.changedInDiff)).toBe(true);
  }, 60_000);

  it('says a shallow clone lacks the previous commit', async () => {
    const shallow = path.join(tmp, 'shallow');
    git(tmp, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow);
    const d = await diffJson(collector, shallow, path.join(tmp, 'shallow.db'), '--service', 'shop');
    expect(d.gitProblem).toBe(`commit ${commitA} of shop 1 is not in this repository; this clone is shallow; fetch the history: git fetch --unshallow`);
    expect(d.functions.find((f) => f.symbol === 'placeOrder')!.verdict).toBe('regressed');
  }, 60_000);

  it('treats a version that goes backwards as a rollback deploy, diffed from the newer commit', async () => {
    const d = await diffJson(collector, repo, path.join(tmp, 'rollback.db'), '--service', 'shop-rollback');
    expect(d.deploy).toMatchObject({ version: '1.9.0', previousVersion: '2.0.0', commit: commitA, previousCommit: commitB });
    expect(d.report.notes).toContain('rollback: 1.9.0 follows 2.0.0');
    expect(d.functions.filter((f) => f.changedInDiff).map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);
  }, 60_000);

  it('handles a deploy marker for a service it never heard from, and refuses an unknown service', async () => {
    const res = await fetch(`${collector.httpUrl}/v1/deploys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${collector.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'ghost', environment: ENV, version: '9.9.9', commit: commitB, time: new Date(now).toISOString() }),
    });
    expect(res.status).toBe(201);
    const db = path.join(tmp, 'marker.db');
    // The default deploy stays the newest one of a service that sent telemetry.
    const latest = await diffJson(collector, repo, db);
    expect(latest.service).not.toBe('ghost');
    const ghost = await diffJson(collector, repo, db, '--service', 'ghost');
    expect(ghost).toMatchObject({ service: 'ghost', deploy: { version: '9.9.9', previousVersion: null }, functions: [] });
    expect(ghost.report.notes).toContain('no spans of ghost were recorded around this deploy marker');
    await expect(diff(collector, repo, db, '--service', 'nope')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no deploys recorded for service "nope"'),
    });
  }, 60_000);
});
