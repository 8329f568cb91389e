/**
 * The deploy panel bundle (dist/webview/deploy-panel.js, built by `node esbuild.mjs`) in Debian's
 * chromium driven by playwright-core: standalone rendering from the fixture, severity order,
 * escaping of hostile telemetry, no CSP violations, keyboard use, and the VS Code message path
 * through a page that provides `acquireVsCodeApi` the way a webview does; and the trace view
 * bundle through the same kind of page.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage, standaloneDataSchema, type StandaloneData } from '../../protocol/webview';
import { webviewHtml } from '../../extension/webview-html';
import { renderStandalonePage } from '../../webview/standalone-html';

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist/webview');
const artifacts = path.join(root, 'test-artifacts');
const fixture = parseMessage<StandaloneData>(standaloneDataSchema, 'fixture', JSON.parse(readFileSync(path.join(root, 'test/fixtures/webview/deploy-diff.json'), 'utf8')));

// Stands in for the VS Code webview host: acquireVsCodeApi, getState/setState and postMessage back.
const HOST_SHIM = `
window.__posted = []; window.__state = JSON.parse(sessionStorage.getItem('state') || 'null');
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; sessionStorage.setItem('state', JSON.stringify(s)); },
});`;

let server: Server;
let base = '';
let browser: Browser;
const pages = new Map<string, string>();

beforeAll(async () => {
  if (!existsSync(path.join(dist, 'deploy-panel.js'))) throw new Error('dist/webview/deploy-panel.js is missing; run "node esbuild.mjs" first');
  mkdirSync(artifacts, { recursive: true });
  pages.set('/report.html', renderStandalonePage(fixture, 'deploy-panel.js', 'deploy-panel.css'));
  pages.set('/host-shim.js', HOST_SHIM);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // Chromium asks every page for a favicon; a 404 would show up as a console error.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const page = pages.get(url.pathname);
    const file = path.join(dist, path.basename(url.pathname));
    const body = page ?? (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    if (body === undefined) return void res.writeHead(404).end();
    const type = url.pathname.endsWith('.js') ? 'text/javascript' : url.pathname.endsWith('.css') ? 'text/css' : 'text/html';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The webview's own shell, with the shim loaded under the same nonce as the bundle.
  const shell = webviewHtml({ title: 'deploy', cspSource: base, scriptUri: `${base}/deploy-panel.js`, styleUri: `${base}/deploy-panel.css`, nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg=' });
  pages.set('/webview.html', shell.replace('<script nonce', '<script nonce="dGVzdG5vbmNlMTIzNDU2Nzg=" src="/host-shim.js"></script>\n<script nonce'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

interface Watched {
  page: Page;
  problems: string[];
}

async function open(pathname: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${base}${pathname}`);
  return { page, problems };
}

const symbols = (page: Page) => page.$$eval('table.functions tbody tr .symbol', (els) => els.map((e) => e.textContent));

describe('deploy panel, standalone report page', () => {
  it('renders the DORA figures and the functions in severity order', async () => {
    const { page, problems } = await open('/report.html');
    await page.locator('table.functions').waitFor();
    expect(await symbols(page)).toEqual(['placeOrder', 'addToCart', fixture.deployDiff.functions[2]!.symbol, 'listOrders', 'getUser']);
    expect(await page.locator('.dora').textContent()).toContain('2.8');
    expect(await page.locator('.dora').textContent()).toContain('16.7%');
    const first = page.locator('table.functions tbody tr').first();
    expect(await first.textContent()).toContain('90 ms → 210 ms');
    expect(await first.locator('.badge').textContent()).toBe('changed in this deploy');
    expect(await page.locator('h1').textContent()).toBe('shop-api · production · 1.4.1 → 1.4.2');
    await page.screenshot({ path: path.join(artifacts, 'deploy-panel-standalone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows hostile telemetry values as text and runs none of them', async () => {
    const { page, problems } = await open('/report.html');
    await page.locator('table.functions').waitFor();
    const title = await page.title();
    expect(title).toBe('Prodlens · shop-api 1.4.2');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.locator('main a[href]').count()).toBe(0);
    expect(await page.locator('table.functions').textContent()).toContain('<img src=x onerror="document.title=\'pwned\'">');
    expect(await page.locator('table.functions').textContent()).toContain('javascript:alert(1)');
    expect(await page.locator('.note').textContent()).toBe("<script>alert('note')</script>");
    expect(problems).toEqual([]);
    await page.close();
  });

  it('moves focus between rows with the arrow keys', async () => {
    const { page } = await open('/report.html');
    await page.locator('table.functions tbody tr').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.querySelector('.symbol')?.textContent)).toBe('addToCart');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.querySelector('.symbol')?.textContent)).toBe('getUser');
    await page.close();
  });

  it('detects a CSP violation when there is one (the check above can fail)', async () => {
    pages.set('/violation.html', renderStandalonePage(fixture, 'deploy-panel.js', 'deploy-panel.css').replace('<main id="root"></main>', '<main id="root"></main><script>window.x = 1</script>'));
    const { page, problems } = await open('/violation.html');
    await page.locator('table.functions').waitFor();
    expect(problems.some((p) => p.includes('CSP violation: script-src'))).toBe(true);
    await page.close();
  });
});

describe('deploy panel, VS Code webview messaging', () => {
  const deploysMessage = {
    type: 'deploys',
    deploys: [{ service: 'shop-api', environment: 'production', version: '1.4.2', commit: 'abcdef12', firstSeen: '2024-05-01T10:00:00Z', lastSeen: '2024-05-01T12:00:00Z', source: 'telemetry', spans: 10 }],
    selected: { service: 'shop-api', environment: 'production', version: '1.4.2' },
  };

  it('posts ready, renders what the extension sends, opens a function on Enter and keeps state across reloads', async () => {
    const { page, problems } = await open('/webview.html');
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    expect(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted)).toEqual([{ type: 'ready' }]);
    await page.evaluate((m) => window.postMessage(m, '*'), deploysMessage);
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'deployDiff', selection: deploysMessage.selected, diff: fixture.deployDiff, dora: fixture.dora });
    await page.locator('table.functions').waitFor();
    expect(await page.locator('#pick-deploy').inputValue()).toBe('1.4.2');
    await page.locator('table.functions tbody tr').nth(1).focus();
    await page.keyboard.press('Enter');
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    expect(posted[1]).toEqual({ type: 'openFunction', location: { file: 'src/cart.ts', symbol: 'addToCart', line: 22 } });
    await page.screenshot({ path: path.join(artifacts, 'deploy-panel-webview.png'), fullPage: true });

    await page.reload();
    await page.locator('table.functions').waitFor();
    expect(await symbols(page)).toHaveLength(5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('rejects a malformed message with a visible error instead of rendering it', async () => {
    const { page } = await open('/webview.html');
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await page.evaluate(() => window.postMessage({ type: 'deployDiff', selection: null, diff: '<b>x</b>', dora: null }, '*'));
    const alert = page.locator('[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/extension → deploy panel: rejected a malformed message \(selection/);
    expect(await page.locator('main b').count()).toBe(0);
    await page.close();
  });
});

describe('trace view, VS Code webview messaging', () => {
  const span = (spanId: string, parentSpanId: string | null, name: string, offsetMs: number, durationMs: number, extra: Record<string, unknown> = {}) => ({
    spanId, parentSpanId, name, service: 'shop-api', startNs: String(1_700_000_000_000_000_000n + BigInt(offsetMs) * 1_000_000n), durationMs,
    error: false, statusMessage: '', attributes: {}, exception: null, code: null, ...extra,
  });
  const traceMessage = {
    type: 'trace',
    traceId: 'ab'.repeat(16),
    spans: [
      span('c2', 'r1', '<img src=x onerror=alert(1)>', 60, 15, { attributes: { 'user.note': '<script>alert(2)</script>' } }),
      span('r1', null, 'GET /cart', 0, 120),
      span('c1', 'r1', 'addToCart', 5, 50, { code: { file: 'src/cart.ts', symbol: 'addToCart', line: 22, mappedBy: 'code.function.name' } }),
    ],
  };

  it('draws the waterfall in tree order, shows hostile names as text, opens a mapped span and keeps the selection across reloads', async () => {
    const shell = webviewHtml({ title: 'trace', cspSource: base, scriptUri: `${base}/trace-view.js`, styleUri: `${base}/trace-view.css`, nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg=' });
    pages.set('/trace.html', shell.replace('<script nonce', '<script nonce="dGVzdG5vbmNlMTIzNDU2Nzg=" src="/host-shim.js"></script>\n<script nonce'));
    const { page, problems } = await open('/trace.html');
    const posted = () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await page.evaluate((m) => window.postMessage(m, '*'), traceMessage);
    const rows = page.locator('.waterfall .span-row');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['GET /cart, 120 ms', 'addToCart, 50.0 ms', '<img src=x onerror=alert(1)>, 15.0 ms']);
    expect(await page.locator('main img, main script').count()).toBe(0);

    await rows.nth(2).click();
    expect(await page.locator('.details td').first().textContent()).toBe('<script>alert(2)</script>');
    await rows.nth(1).focus();
    await page.keyboard.press('Enter');
    await page.locator('.details button', { hasText: 'Open addToCart (src/cart.ts:22)' }).click();
    expect((await posted()).at(-1)).toEqual({ type: 'openFunction', location: { file: 'src/cart.ts', symbol: 'addToCart', line: 22 } });

    // Hide/show reloads the page; the extension answers `ready` with the same trace again.
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await page.evaluate((m) => window.postMessage(m, '*'), traceMessage);
    await page.locator('.details h2', { hasText: 'addToCart' }).waitFor();
    expect(await page.locator('.waterfall .span-row[aria-selected=true]').getAttribute('aria-label')).toBe('addToCart, 50.0 ms');
    expect(problems).toEqual([]);
    await page.close();
  });
});
