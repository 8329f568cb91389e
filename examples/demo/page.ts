/**
 * The deploy panel as a standalone page (webview/standalone-html.ts with the panel's own bundle and
 * stylesheet copied beside it) and a PNG of it rendered by chromium through playwright-core.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeployDiffJson, DoraReport } from '@protocol/model';
import { renderStandalonePage } from '../../webview/standalone-html';

export async function writePanel(projectRoot: string, outDir: string, diff: DeployDiffJson, dora: DoraReport | null): Promise<string> {
  const bundle = path.join(projectRoot, 'dist/webview');
  for (const f of ['deploy-panel.js', 'deploy-panel.css']) {
    if (!existsSync(path.join(bundle, f))) throw new Error(`demo: ${path.join(bundle, f)} is missing; build first with "node esbuild.mjs"`);
  }
  await fs.mkdir(outDir, { recursive: true });
  await fs.copyFile(path.join(bundle, 'deploy-panel.js'), path.join(outDir, 'deploy-panel.js'));
  await fs.copyFile(path.join(bundle, 'deploy-panel.css'), path.join(outDir, 'deploy-panel.css'));
  const html = path.join(outDir, 'deploy-panel.html');
  await fs.writeFile(html, renderStandalonePage({ deployDiff: diff, dora }, 'deploy-panel.js', 'deploy-panel.css'));
  return html;
}

export type Screenshot = { png: string } | { skipped: string };

/**
 * A missing browser skips the screenshot with the reason (the HTML page is the result; the PNG is
 * a convenience); a browser that is there but fails to render the page is an error.
 */
export async function screenshot(html: string, chromiumPath: string): Promise<Screenshot> {
  if (!existsSync(chromiumPath)) return { skipped: `no chromium at ${chromiumPath}; set CHROMIUM=/path/to/chromium for the PNG` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(html).toString());
    await page.locator('table.functions').waitFor({ timeout: 15_000 }).catch(() => {
      throw new Error(`demo: the deploy panel did not render in chromium${problems.length ? `: ${problems.join('; ')}` : ''}`);
    });
    const png = html.replace(/\.html$/, '.png');
    await page.screenshot({ path: png, fullPage: true });
    return { png };
  } finally {
    await browser.close();
  }
}
