/**
 * End to end in a real VS Code (code-server) and a real browser: a collector receives spans from
 * the OpenTelemetry JS SDK, the extension starts the language server, and the test reads the code
 * lenses above the right functions, opens the hover, opens the function panel from a lens and the
 * deploy panel from the command palette, and reads its rows. Screenshots go to test-artifacts/.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../support/collector';
import { sendSpans, type SpanSpec } from '../support/otel';
import { openWorkbench, REPO, type Workbench } from './code-server';

const FILE = 'src/controllers/order-controller.ts';
const artifacts = path.join(REPO, 'test-artifacts');
const LENS = '.monaco-editor .codelens-decoration';

function call(symbol: string, durationMs: number, error = false): SpanSpec {
  return {
    name: symbol,
    kind: SpanKind.INTERNAL,
    attributes: { 'code.function.name': symbol, 'code.file.path': `/app/${FILE}` },
    durationMs,
    ...(error ? { error: { message: 'order store unavailable' } } : {}),
  };
}

// Lenses appear about 15 s after code-server starts on 2 cores (vscode-e2e.md); allow for a busy machine.
describe('Prodlens in code-server', { timeout: 240_000 }, () => {
  let collector: TestCollector;
  let workspace: string;
  let bench: Workbench;
  let failed = true;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    collector = await startTestCollector();
    workspace = mkdtempSync(path.join(os.tmpdir(), 'prodlens-ws-'));
    cpSync(path.join(REPO, 'test/fixtures/workspaces/node-express'), workspace, { recursive: true });
    // Two versions of the service, so the deploy panel has a deploy to compare: list got slower.
    const svc = { collectorUrl: collector.httpUrl, service: 'orders', environment: 'production' };
    const now = Date.now();
    const old: SpanSpec[] = [];
    const cur: SpanSpec[] = [];
    for (let i = 0; i < 60; i++) old.push({ ...call('OrderController.list', 10 + (i % 5)), startMs: now - 40 * 60_000 + i * 1000 });
    for (let i = 0; i < 24; i++) cur.push({ ...call('OrderController.list', 40 + i, i % 4 === 0), startMs: now - 10 * 60_000 + i * 1000 });
    for (let i = 0; i < 30; i++) cur.push({ ...call('OrderController.create', 20), startMs: now - 10 * 60_000 + i * 1000 });
    await sendSpans({ ...svc, version: '1.0.0' }, old);
    await sendSpans({ ...svc, version: '1.1.0' }, cur);
    bench = await openWorkbench({
      workspace,
      file: FILE,
      userSettings: { 'prodlens.collectorUrl': collector.httpUrl, 'prodlens.minSamples': 5 },
      env: { PRODLENS_TOKEN: collector.token },
    });
  });

  afterAll(async () => {
    if (bench && failed) await bench.page.screenshot({ path: path.join(artifacts, 'vscode-failure.png') }).catch(() => undefined);
    await bench?.close(failed);
    if (failed && bench) console.error(`code-server state kept in ${bench.state}`);
    await collector?.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('shows a lens above each function with spans, and the lens opens that function', async () => {
    const { page } = bench;
    await page.locator(`${LENS} a`, { hasText: 'n=30' }).first().waitFor({ timeout: 120_000 });
    // list: 60 calls of 1.0.0 and 24 of 1.1.0 are all inside the 1 h window.
    await page.locator(`${LENS} a`, { hasText: 'n=84' }).first().waitFor({ timeout: 30_000 });
    const texts = await page.$$eval(LENS, (els) => els.map((e) => (e.textContent ?? '').trim()).filter(Boolean));
    expect(texts.sort()).toEqual([expect.stringMatching(/^prod · .* · 0% err · .*n=30$/), expect.stringMatching(/^prod · .* · 7.1% err · .*n=84$/)]);
    await page.screenshot({ path: path.join(artifacts, 'vscode-codelens.png') });

    // The lens with n=84 belongs to OrderController.list: clicking it opens that function's panel.
    await page.locator(`${LENS} a`, { hasText: 'n=84' }).first().click();
    await page.locator('.tab', { hasText: 'Prodlens: OrderController.list' }).waitFor({ timeout: 30_000 });
    const frame = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    await expect.poll(() => frame.locator('h1').textContent(), { timeout: 30_000 }).toBe('OrderController.list');
    await page.screenshot({ path: path.join(artifacts, 'vscode-function-panel.png') });
    failed = false;
  });

  it('opens the hover over a function with its production numbers', async () => {
    failed = true;
    const { page } = bench;
    await page.locator('.tab', { hasText: 'order-controller.ts' }).click();
    await page.locator('.view-line span', { hasText: /^create$/ }).first().hover();
    const hover = page.locator('.monaco-hover-content', { hasText: 'p95' }).first();
    await hover.waitFor({ timeout: 30_000 });
    expect(await hover.textContent()).toMatch(/30/);
    await page.screenshot({ path: path.join(artifacts, 'vscode-hover.png') });
    failed = false;
  });

  it('opens the deploy panel from the command palette and lists the functions of the latest deploy', async () => {
    failed = true;
    const { page } = bench;
    // code-server serves every webview from one origin; a second webview loading while the first
    // one's service worker controls the origin can wait forever ("Found unexpected service worker
    // controller … Waiting for controllerchange"). Reloading the workbench leaves one webview.
    await page.reload();
    await page.locator(`${LENS} a`, { hasText: 'n=30' }).first().waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.keyboard.type('Prodlens: Show What Changed Since My Deploy');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show What Changed Since My Deploy' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'Prodlens: What Changed' }).waitFor({ timeout: 30_000 });
    // Each panel is an iframe inside an iframe and their DOM order is not the tab order: look for
    // the frame that holds the deploy table.
    const readRows = async () => {
      for (const f of page.frames()) {
        const symbols = await f.locator('table.functions tbody tr .symbol').allTextContents().catch(() => []);
        if (symbols.length) return { f, symbols };
      }
      return undefined;
    };
    await expect.poll(async () => (await readRows())?.symbols.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
    const { f: frame, symbols: rows } = (await readRows())!;
    expect(rows).toContain('OrderController.list');
    expect(await frame.locator('h1').first().textContent()).toContain('1.0.0 → 1.1.0');
    await page.screenshot({ path: path.join(artifacts, 'vscode-deploy-panel.png') });
    failed = false;
  });
});
