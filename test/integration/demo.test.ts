/**
 * `npm run demo` as CI runs it: the real demo (dist/demo.js --quick) as a child process — a real
 * collector, the sample shop as real Node processes with the OpenTelemetry SDK, a real git deploy,
 * the engine, chromium — and assertions about the answer it gives, on the real clock seconds after
 * the deploy: exactly the slowed function and the failing one regressed (found by the early look),
 * both changed by the deploy, and nothing else reported (the rest waits for the 15 min checkpoint).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployDiffJson, ReportJson } from '../../protocol/model';

const run = promisify(execFile);
const DEMO = path.resolve(__dirname, '../../dist/demo.js');

interface DemoJson {
  seconds: number;
  workDir: string;
  spans: number;
  report: ReportJson;
  diff: DeployDiffJson;
  html: string;
  png: string | null;
  screenshotSkipped: string | null;
}

describe('npm run demo --quick', () => {
  let out: string;
  let result: DemoJson;
  let stderr: string;

  beforeAll(async () => {
    if (!existsSync(DEMO)) throw new Error(`${DEMO} is missing; run "node esbuild.mjs" first`);
    out = mkdtempSync(path.join(os.tmpdir(), 'prodlens-demo-test-'));
    const r = await run(process.execPath, [DEMO, '--quick', '--json', '--out', out], { maxBuffer: 64 * 1024 * 1024, timeout: 150_000 });
    stderr = r.stderr;
    result = JSON.parse(r.stdout) as DemoJson;
  }, 160_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('names exactly the slowed and the failing function as regressed, both changed in the diff', () => {
    const d = result.diff;
    expect(d).toMatchObject({ service: 'shop', environment: 'demo', deploy: { version: '2.0.0', previousVersion: '1.0.0' }, gitProblem: null });
    // Judged on the real clock: the deploy is seconds old, so only the early look can speak.
    expect(d.report.checkpoint?.label).toBe('early');
    expect(d.report.elapsedMs).toBeLessThan(15 * 60_000);
    expect(d.report.notes[0]).toMatch(/^early look: 2 verdicts on overwhelming evidence .*; everything else is waiting for the 15 min checkpoint$/);
    const regressed = d.functions.filter((f) => f.verdict === 'regressed');
    expect(regressed.map((f) => f.symbol).sort()).toEqual(['priceCart', 'reserveStock']);
    expect(regressed.every((f) => f.changedInDiff && f.early === true)).toBe(true);

    const price = regressed.find((f) => f.symbol === 'priceCart')!;
    expect(price).toMatchObject({ file: 'src/pricing.js', line: 5 });
    expect(price.latency.p95Ratio!).toBeGreaterThan(3);
    expect(price.latency.q!).toBeLessThan(0.005);
    expect(price.diffLines).toContain("+    const [rate] = await db.query('SELECT vat FROM tax_rates WHERE sku = $1', ['taxRates', item.sku]);");

    const stock = regressed.find((f) => f.symbol === 'reserveStock')!;
    expect(stock).toMatchObject({ file: 'src/stock.js', line: 5 });
    expect(stock.errors.rateBefore!).toBeLessThan(0.01);
    expect(stock.errors.rateAfter!).toBeGreaterThan(0.25);
    expect(stock.errors.q!).toBeLessThan(0.005);
    expect(stock.newErrorTypes.map((t) => t.type)).toContain('StockError');
    expect(stock.diffLines).toContain('+    if (!warehouse) throw new StockError(`no warehouse ships ${item.sku}`);');
  });

  it('reports nothing else: every other function waits for the 15 min checkpoint and is untouched by the diff', () => {
    const others = result.diff.functions.filter((f) => f.symbol !== 'priceCart' && f.symbol !== 'reserveStock');
    expect(others.map((f) => f.symbol).sort()).toEqual(['Database.query', 'OrderRepository.findById', 'chargePayment', 'formatOrder', 'listProducts', 'rankProducts']);
    // On failure the message carries the numbers behind the verdict.
    const seen = others.map((f) => ({ symbol: f.symbol, verdict: f.verdict, waitingFor: f.waitingFor, changedInDiff: f.changedInDiff, reasons: f.reasons, p95: [f.before.p95Ms, f.after.p95Ms], q: [f.latency.q, f.errors.q] }));
    const moved = seen.filter((f) => f.verdict !== 'insufficient' || f.waitingFor !== '15 min' || f.changedInDiff);
    expect(moved).toEqual([]);
  });

  it('maps the shop\'s spans to its functions through the code.* attributes that traced() sets', () => {
    const byName = new Map(result.report.functions.map((f) => [f.symbol, f]));
    expect(byName.get('Database.query')).toMatchObject({ file: 'src/db.js', mappedBy: expect.arrayContaining(['code.function.name']) });
    expect(byName.get('OrderRepository.findById')?.file).toBe('src/orders.js');
    expect(byName.get('chargePayment')?.file).toBe('src/payments.js');
    // Both versions' calls, and the HTTP server spans (no route in plain node:http) listed as unmapped.
    expect(byName.get('listProducts')!.requests).toBeGreaterThan(600);
    expect(result.report.unmapped.map((u) => u.name).sort()).toEqual(['GET', 'POST']);
    expect(result.spans).toBeGreaterThan(10_000);
  });

  it('writes the deploy panel as HTML and a PNG screenshot, and removes its temp dir', () => {
    expect(result.html).toBe(path.join(out, 'deploy-panel.html'));
    const html = readFileSync(result.html, 'utf8');
    expect(html).toContain('<script type="application/json" id="prodlens-data">');
    expect(html).toContain('"reserveStock"');
    expect(result.screenshotSkipped).toBeNull();
    const png = readFileSync(result.png!);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(result.png!).size).toBeGreaterThan(20_000);
    expect(existsSync(result.workDir)).toBe(false);
    expect(stderr).toMatch(/done in \d+\.\d s/);
  });

  it('refuses an unknown flag with exit code 2 and the usage', async () => {
    await expect(run(process.execPath, [DEMO, '--fast'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: node dist/demo.js [--quick] [--out DIR] [--json]') });
  });
});
