// One build script, one context per entry. Node entries are CommonJS bundles because the VS Code
// extension host loads CommonJS; native and wasm-carrying packages stay external and load from
// node_modules at run time.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const external = ['vscode', 'better-sqlite3', 'web-tree-sitter', '@grpc/grpc-js', 'playwright-core'];
const alias = { '@protocol': path.resolve('protocol') };

const node = (entry, outfile) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  alias,
  // The store's SQL lives in .sql files and is bundled as text (vitest.config.ts does the same).
  loader: { '.sql': 'text' },
  logLevel: 'warning',
});

const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => node(`bench/${f}`, `dist/bench/${f.replace(/\.ts$/, '.js')}`));

const webviews = readdirSync('webview')
  .filter((f) => f.endsWith('-main.ts'))
  .map((f) => ({
    entryPoints: [`webview/${f}`],
    outfile: `dist/webview/${f.replace(/-main\.ts$/, '.js')}`,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    // Panels load these on every open: minified, licences in a side file, no source map shipped.
    minify: true,
    legalComments: 'external',
    alias,
    logLevel: 'warning',
  }));

const configs = [
  node('cli/main.ts', 'dist/cli.js'),
  // The workspace index's parse workers (language-server/index/parse-pool.ts) load this file.
  node('language-server/index/parse-worker.ts', 'dist/parse-worker.js'),
  node('language-server/store/raw/raw-worker.ts', 'dist/raw-worker.js'),
  ...(existsSync('language-server/main.ts') ? [node('language-server/main.ts', 'dist/server.js')] : []),
  ...(existsSync('examples/demo.ts') ? [node('examples/demo.ts', 'dist/demo.js')] : []),
  // instrument/ as a library: the application's own @opentelemetry/api must be the one it uses.
  ...(existsSync('instrument/index.ts') ? [{ ...node('instrument/index.ts', 'dist/instrument/index.js'), external: ['@opentelemetry/api'] }] : []),
  ...(existsSync('extension/main.ts') ? [node('extension/main.ts', 'dist/extension.js')] : []),
  ...benches,
  ...webviews,
];


if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
