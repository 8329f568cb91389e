/**
 * Small helpers for driving the code-server workbench from the e2e tests: the command palette, the
 * webview frames (each panel is an iframe inside an iframe) and the active editor's cursor line.
 */
import type { Frame, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Runs a command by its palette title, e.g. "Prodlens: Open Trace…". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^Prodlens: /, '') }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * The webview frame that holds `selector`. Frames' DOM order is not the tab order, so every frame
 * is asked; polls until one has it.
 */
export async function frameWith(page: Page, selector: string, timeout = 60_000): Promise<Frame> {
  let found: Frame | undefined;
  await expect
    .poll(async () => {
      for (const f of page.frames()) {
        if ((await f.locator(selector).count().catch(() => 0)) > 0) {
          found = f;
          return true;
        }
      }
      return false;
    }, { timeout })
    .toBe(true);
  return found!;
}

/** The active editor's file name (its tab) and 1-based cursor line (the status bar's "Ln N, Col M"). */
export async function activeEditor(page: Page): Promise<{ tab: string; line: number }> {
  const tab = (await page.locator('.tabs-container .tab.active').first().textContent())?.trim() ?? '';
  const position = (await page.locator('#status\\.editor\\.selection').first().textContent()) ?? '';
  const m = /Ln (\d+)/.exec(position);
  return { tab, line: m ? Number(m[1]) : 0 };
}
