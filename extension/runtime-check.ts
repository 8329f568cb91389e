/**
 * Checks, before the language server starts, that the Node runtime it will run on can load
 * better-sqlite3 (a native module built for one Node ABI). VS Code's own extension host may be a
 * different Node (Electron) than the one npm built the module for; without this check the server
 * would die at start with an error few users could act on. No `vscode` import: unit-tested.
 */
import { spawn } from 'node:child_process';

export type RuntimeCheck = { ok: true; version: string } | { ok: false; problem: string; fix: string };

// Runs in the probed runtime: loads the module from the extension's node_modules and opens a database.
const PROBE = `
const root = process.argv[1];
try {
  const Database = require(require.resolve('better-sqlite3', { paths: [root] }));
  new Database(':memory:').close();
  process.stdout.write('ok ' + process.version + ' abi ' + process.versions.modules);
} catch (err) {
  process.stdout.write('fail ' + process.version + ' abi ' + process.versions.modules + '\\n' + (err && err.message || String(err)));
}`;

/**
 * `runtime` empty: the extension host's own Node (what vscode-languageclient forks by default).
 * `from`: the folder the server bundle is in (dist/), so the module resolves as the server's would.
 */
export function checkServerRuntime(runtime: string, from: string): Promise<RuntimeCheck> {
  const exe = runtime || process.execPath;
  return new Promise((resolve) => {
    const child = spawn(exe, ['-e', PROBE, from], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) =>
      resolve({
        ok: false,
        problem: `the server runtime "${exe}" could not be run (${e.message}).`,
        fix: 'Set "prodlens.serverRuntime" to the path of a Node 20 executable (for example /usr/bin/node), or clear it to use VS Code\'s own.',
      }),
    );
    child.on('close', () => resolve(interpret(exe, out, err)));
  });
}

export function interpret(exe: string, out: string, err: string): RuntimeCheck {
  if (out.startsWith('ok ')) return { ok: true, version: out.slice(3).trim() };
  const [head = '', ...rest] = out.split('\n');
  const detail = (rest.join('\n') || err || 'no output').trim().split('\n')[0] ?? '';
  const where = head.replace(/^fail /, '') || 'unknown version';
  const abi = /NODE_MODULE_VERSION/.test(detail);
  return {
    ok: false,
    problem: `the language server cannot load better-sqlite3 in "${exe}" (Node ${where}): ${detail}`,
    fix: abi
      ? 'better-sqlite3 was built for another Node ABI. Set "prodlens.serverRuntime" to a Node executable of the version it was built for (Node 20, e.g. /usr/bin/node), or rebuild it for this runtime: npm rebuild better-sqlite3 in the extension folder.'
      : 'Reinstall the extension, or set "prodlens.serverRuntime" to a Node 20 executable that can load it.',
  };
}
