/**
 * Builds the standalone "what changed since my deploy" report page around the deploy panel bundle
 * (the demo and `prodlens diff --html`-style callers write it to disk). A pure string function with
 * no Node or DOM imports, so both Node and the tests can call it.
 *
 * The data goes into a `<script type="application/json" id="prodlens-data">` block, which the
 * browser never executes; `<` is written as `\u003c` so no value can close the block early.
 * `scriptPath` and `cssPath` are URLs relative to the page, normally `deploy-panel.js` and
 * `deploy-panel.css` copied from dist/webview.
 */
import type { StandaloneData } from '@protocol/webview';
import { htmlShell } from './html-shell';


export function embedJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderStandalonePage(data: StandaloneData, scriptPath: string, cssPath: string): string {
  const title = `Prodlens · ${data.deployDiff.service} ${data.deployDiff.deploy.version}`;
  // 'self' covers pages served over HTTP; file: covers a report opened from disk.
  const csp = "default-src 'none'; script-src 'self' file:; style-src 'self' file:; img-src 'self' file:";
  return htmlShell({
    csp,
    title,
    styleHref: cssPath,
    scriptSrc: scriptPath,
    bodyExtra: `<script type="application/json" id="prodlens-data">${embedJson(data)}</script>`,
  });
}
