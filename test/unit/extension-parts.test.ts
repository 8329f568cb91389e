/**
 * The extension's parts that need no VS Code: the command table against package.json, the webview
 * shell's CSP, the status bar texts, the unmapped telemetry list, the server runtime check (real child processes) and the local
 * collector (the real dist/cli.js).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, INTERNAL_COMMANDS } from '../../extension/command-table';
import { startLocalCollector } from '../../extension/local-collector';
import { checkServerRuntime, interpret } from '../../extension/runtime-check';
import { statusView } from '../../extension/status-text';
import { noIcons, unmappedItem } from '../../extension/unmapped-text';
import { contentSecurityPolicy, webviewHtml } from '../../extension/webview-html';
import type { StatusParams } from '../../protocol/lsp';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('command table', () => {
  it('is what package.json contributes, titles included', () => {
    const contributed = pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]);
    expect(contributed).toEqual(COMMANDS.map((c) => [c.id, c.title]));
  });

  it('hides the lens-only commands from the palette and gates the local collector on trust', () => {
    const hidden = pkg.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command);
    expect(hidden).toEqual([...INTERNAL_COMMANDS]);
    expect(pkg.contributes.commands.find((c: { command: string }) => c.command === 'prodlens.startLocalCollector').enablement).toBe('isWorkspaceTrusted');
  });

  it('contains the command code lenses run', () => {
    expect(COMMANDS.map((c) => c.id)).toContain(readFileSync(path.join(root, 'language-server/features/code-lens.ts'), 'utf8').match(/SHOW_FUNCTION_COMMAND = '([^']+)'/)?.[1]);
  });
});

describe('webview shell', () => {
  const html = webviewHtml({ title: 'A <b>', cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/a.js', styleUri: 'https://x/a.css', nonce: 'YWJjZGVmZ2hpamtsbW5vcA==' });

  it('allows only the nonce script and the extension stylesheet', () => {
    expect(contentSecurityPolicy('https://c', 'N0nceN0nceN0nceN0nce')).toBe("default-src 'none'; script-src 'nonce-N0nceN0nceN0nceN0nce'; style-src https://c; img-src https://c; font-src https://c");
    expect(html).toContain('<script nonce="YWJjZGVmZ2hpamtsbW5vcA==" src="https://x/a.js"></script>');
    expect(html).toContain('<title>A &lt;b&gt;</title>');
    expect(html).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('refuses a nonce that is not random base64', () => {
    expect(() => webviewHtml({ title: 't', cspSource: 'c', scriptUri: 's', styleUri: 'y', nonce: "x' 'unsafe-inline" })).toThrow(/nonce/);
  });
});

describe('status bar text', () => {
  const base: StatusParams = { state: 'connected', detail: 'collector http://127.0.0.1:4318', behindBatches: 0, spansStored: 0, lastIngestAt: null };
  it.each([
    [{ ...base }, 'no data yet', 'ok'],
    [{ ...base, spansStored: 1200 }, '$(pulse) Prodlens', 'ok'],
    [{ ...base, state: 'behind', behindBatches: 7, spansStored: 5 }, 'behind by 7', 'warning'],
    [{ ...base, state: 'unreachable' }, 'unreachable', 'error'],
    [{ ...base, state: 'unauthorized' }, 'token rejected', 'error'],
    [{ ...base, state: 'no-collector' }, 'no collector', 'warning'],
  ] as const)('%o → %s', (params, text, severity) => {
    const view = statusView(params as StatusParams);
    expect(view.text).toContain(text);
    expect(view.severity).toBe(severity);
    expect(view.tooltip).toContain(params.detail);
  });
});

describe('unmapped telemetry quick pick', () => {
  it('says why each row did not map, in words, and counts spans', () => {
    const item = unmappedItem({ service: 'orders', name: 'LegacyReconciler.run', route: null, count: 1, reason: 'file-not-in-workspace' });
    expect(item).toEqual({ label: 'LegacyReconciler.run', description: 'orders · 1 span', detail: expect.stringMatching(/^Why: the file it names is not in the workspace/) });
    expect(unmappedItem({ service: 'api', name: 'GET', route: '/x/:id', count: 3, reason: 'route-not-found' }).description).toBe('api · /x/:id · 3 spans');
  });

  it('shows icon syntax in telemetry as typed instead of rendering it', () => {
    expect(noIcons('$(alert) pay now')).toBe('\\$(alert) pay now');
    expect(noIcons('already \\$(alert)')).toBe('already \\$(alert)');
    expect(unmappedItem({ service: '$(zap)', name: 'x $(sync~spin)', route: '$(key)', count: 2, reason: 'ambiguous' })).toMatchObject({
      label: 'x \\$(sync~spin)',
      description: '\\$(zap) · \\$(key) · 2 spans',
    });
  });
});

describe('server runtime check', () => {
  it('passes for this Node, which better-sqlite3 was built for', async () => {
    const r = await checkServerRuntime(process.execPath, path.join(root, 'dist'));
    expect(r).toEqual({ ok: true, version: `${process.version} abi ${process.versions.modules}` });
  });

  it('names a runtime that does not exist and says how to fix it', async () => {
    const r = await checkServerRuntime('/nonexistent/node', root);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toContain('/nonexistent/node');
      expect(r.fix).toContain('prodlens.serverRuntime');
    }
  });

  it('reports the module not found from a folder without it', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'prodlens-ext-'));
    const r = await checkServerRuntime(process.execPath, empty);
    rmSync(empty, { recursive: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/cannot load better-sqlite3 .*Cannot find module 'better-sqlite3'/);
  });

  it('explains an ABI mismatch (the message Node prints) with the setting and the rebuild', () => {
    const r = interpret('/usr/lib/code/electron', 'fail v22.9.0 abi 130\nThe module was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 130.', '');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toContain('Node v22.9.0 abi 130');
      expect(r.fix).toMatch(/prodlens\.serverRuntime.*npm rebuild better-sqlite3/s);
    }
  });
});

describe('local collector', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-local-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts dist/cli.js on 127.0.0.1 with its own token, which the pull API requires', async () => {
    const lines: string[] = [];
    const c = await startLocalCollector({ cli: path.join(root, 'dist/cli.js'), dataDir, ports: { http: 0, grpc: 0 }, log: (l) => lines.push(l) });
    try {
      expect(c.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(c.token.length).toBeGreaterThanOrEqual(32);
      expect((await fetch(`${c.httpUrl}/v1/pull?max=1&wait=0`)).status).toBe(401);
      expect((await fetch(`${c.httpUrl}/v1/pull?max=1&wait=0`, { headers: { authorization: `Bearer ${c.token}` } })).status).toBe(200);
    } finally {
      await c.stop();
    }
    await expect(fetch(`${c.httpUrl}/healthz`)).rejects.toThrow();
  });
});
