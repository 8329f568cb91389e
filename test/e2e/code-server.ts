/**
 * Runs code-server (real VS Code 1.100.3 workbench, Node extension host) with this repository
 * loaded as an installed extension, and Debian's chromium through playwright-core — the recipe of
 * ../shared/reference/vscode-e2e.md. code-server comes from test/e2e/install-code-server.sh.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '../..');

export const CODE_SERVER_VERSION = '4.100.3';

/** Where install-code-server.sh puts code-server (the same default and override). */
export function codeServerEntry(): string {
  const dir = process.env.PRODLENS_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/prodlens-e2e', `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules/code-server/out/node/entry.js');
  if (!existsSync(entry)) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${dir}; run "bash test/e2e/install-code-server.sh" (.ci/run does)`);
  return entry;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Workbench {
  page: Page;
  state: string;
  close(keepState: boolean): Promise<void>;
  serverLog(): string;
}

export async function openWorkbench(opts: { workspace: string; file: string; userSettings: Record<string, unknown>; env: NodeJS.ProcessEnv }): Promise<Workbench> {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const state = mkdtempSync(path.join(os.tmpdir(), 'prodlens-vscode-'));
  mkdirSync(path.join(state, 'data/User'), { recursive: true });
  mkdirSync(path.join(state, 'ext'));
  mkdirSync(path.join(state, 'tmp'));
  // An extensions folder that VS Code scans on first start: the repository itself is the extension.
  symlinkSync(REPO, path.join(state, 'ext', `${pkg.publisher}.${pkg.name}-${pkg.version}`));
  writeFileSync(path.join(state, 'data/User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true, 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none',
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true, 'git.enabled': false,
    'editor.codeLens': true, 'typescript.disableAutomaticTypeAcquisition': true, 'workbench.colorTheme': 'Default Dark Modern',
    ...opts.userSettings,
  }, null, 2));
  const port = await freePort();
  const config = path.join(state, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const log = openSync(path.join(state, 'server.log'), 'a');
  const server: ChildProcess = spawn(process.execPath, [codeServerEntry(), '--config', config, '--user-data-dir', path.join(state, 'data'), '--extensions-dir', path.join(state, 'ext'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'],
  { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...opts.env, TMPDIR: path.join(state, 'tmp') } });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  // code-server has no ready line; its health endpoint is the signal (polled, as the recipe does).
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 240 || server.exitCode !== null) throw new Error(`code-server did not start; see ${path.join(state, 'server.log')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const payload = [['openFile', `vscode-remote://127.0.0.1:${port}${path.join(opts.workspace, opts.file)}`]];
  await page.goto(`${base}/?folder=${encodeURIComponent(opts.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return {
    page,
    state,
    serverLog: () => readFileSync(path.join(state, 'server.log'), 'utf8'),
    async close(keepState) {
      await browser.close();
      try {
        process.kill(-server.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await exited;
      if (!keepState) rmSync(state, { recursive: true, force: true });
    },
  };
}
