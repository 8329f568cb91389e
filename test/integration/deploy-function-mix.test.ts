/**
 * The per-function traffic mix through the real pipeline: SDK traces where `getOrder` is called
 * from two entry routes, GET /fast and GET /export (whose calls are slower), a real collector, the
 * store's raw spans and `prodlens diff`. After the deploy the share of /export rises with no change
 * to getOrder: its pooled p95 rises, yet it is not regressed and the diff names the mix change. In a
 * second service getOrder also slows within each route, and that is still found.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployDiffJson } from '../../protocol/model';
import { CLI, startTestCollector, type TestCollector } from '../support/collector';
import { sendSpans, type SpanSpec } from '../support/otel';
import { MIN, shopRepo, type ShopRepo } from './deploy-scenario';

const run = promisify(execFile);
const ENV = 'production';
const TRACES = 1500;

/** A deterministic standard normal (Box–Muller over a small LCG). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Traces entering at /fast or /export (share `exportShare`), each calling getOrder once. */
function traces(exportShare: number, slowdown: number, fromMs: number, toMs: number, seed: number): SpanSpec[] {
  const z = normals(seed);
  const step = (toMs - fromMs) / TRACES;
  return Array.from({ length: TRACES }, (_, i) => {
    const slow = (i * 7919) % 1000 < exportShare * 1000;
    const route = slow ? '/export' : '/fast';
    const ms = (slow ? 60 : 20) * slowdown * Math.exp(0.3 * z());
    return {
      name: `GET ${route}`,
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': route },
      durationMs: ms + 2,
      startMs: Math.floor(fromMs + i * step),
      children: [
        {
          name: 'getOrder',
          kind: SpanKind.INTERNAL,
          attributes: { 'code.function.name': 'getOrder', 'code.file.path': '/app/src/orders.ts' },
          durationMs: ms,
        },
      ],
    };
  });
}

describe('per-function traffic mix from raw spans through prodlens diff', () => {
  let collector: TestCollector;
  let tmp: string;
  let shop: ShopRepo;
  const now = Date.now();
  const deployAt = now - 22 * MIN;

  const diffJson = async (service: string): Promise<DeployDiffJson> => {
    const args = [CLI, 'diff', shop.repo, '--source', collector.httpUrl, '--token', collector.token, '--db', path.join(tmp, `${service}.db`), '--service', service, '--format', 'json'];
    return JSON.parse((await run(process.execPath, args, { maxBuffer: 32 * 1024 * 1024 })).stdout) as DeployDiffJson;
  };

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-fn-mix-'));
    shop = shopRepo(tmp);
    const svc = (service: string, version: string, commit: string) => ({ collectorUrl: collector.httpUrl, service, version, environment: ENV, resource: { 'vcs.ref.head.revision': commit } });
    // getOrder is the same code in both commits; only who calls it changes (and, in shop-slow, its speed).
    await sendSpans(svc('shop-mix', '1', shop.a), traces(0.1, 1, deployAt - 30 * MIN, deployAt - 1000, 1));
    await sendSpans(svc('shop-mix', '2', shop.b), traces(0.5, 1, deployAt, now - 1000, 2));
    await sendSpans(svc('shop-slow', '1', shop.a), traces(0.1, 1, deployAt - 30 * MIN, deployAt - 1000, 3));
    await sendSpans(svc('shop-slow', '2', shop.b), traces(0.5, 1.4, deployAt, now - 1000, 4));
  }, 120_000);

  afterAll(async () => {
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('does not blame getOrder for a pooled p95 rise that the entry-route mix explains, and says the mix changed', async () => {
    const d = await diffJson('shop-mix');
    const f = d.functions.find((x) => x.symbol === 'getOrder')!;
    expect(f.changedInDiff).toBe(false);
    // The pooled numbers did move: more of the slow route's calls.
    expect(f.after.p95Ms!).toBeGreaterThan(f.before.p95Ms! * 1.3);
    expect(f.verdict).not.toBe('regressed');
    expect(f.reasons.join('\n')).toMatch(/traffic mix changed: GET \/export share 1\d % → 5\d %/);
  }, 60_000);

  it('still finds a regression of getOrder within each entry route', async () => {
    const d = await diffJson('shop-slow');
    const f = d.functions.find((x) => x.symbol === 'getOrder')!;
    expect(f.verdict).toBe('regressed');
    expect(f.reasons.join('\n')).toContain('traffic mix changed: GET /export');
  }, 60_000);
});
