/**
 * The cold build parses in worker threads when the bundled worker exists. Workers and the index
 * thread must produce the same index, since one-file updates later parse in the index thread.
 */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouteExtractor } from '../../language-server/index/routes';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';

const REPO = path.resolve(__dirname, '../..');
const WORKSPACES = path.join(REPO, 'test/fixtures/workspaces');
let outDir: string;
let workerScript: string;

beforeAll(async () => {
  // Under dist/ so the bundle finds web-tree-sitter and the grammars in node_modules, as the real one does.
  outDir = mkdtempSync(path.join(REPO, 'dist', 'test-parse-worker-'));
  workerScript = path.join(outDir, 'parse-worker.js');
  await build({
    entryPoints: [path.join(REPO, 'language-server/index/parse-worker.ts')],
    outfile: workerScript,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['web-tree-sitter'],
    alias: { '@protocol': path.join(REPO, 'protocol') },
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function snapshot(index: WorkspaceIndex) {
  const files = [...index.files()].sort();
  return {
    symbols: files.map((f) => [f, index.symbolsIn(f).map((s) => `${s.kind} ${s.qualifiedName} ${s.startLine}-${s.endLine} ${s.bodyHash}`)]),
    routes: index.allRoutes().map((r) => `${r.method} ${r.route} -> ${r.handler} @ ${r.handlerFile}:${r.handlerLine}`).sort(),
    skipped: [...index.skippedFiles()].sort(),
  };
}

describe('parse workers', () => {
  it.each(['node-express', 'node-fastify-nest', 'python-flask', 'go-http', 'java-spring'])('build the same index of %s as the index thread', async (name) => {
    const root = path.join(WORKSPACES, name);
    const inThread = await WorkspaceIndex.build(root, { routeExtractor: createRouteExtractor(), parseWorkers: 0 });
    const inWorkers = await WorkspaceIndex.build(root, { routeExtractor: createRouteExtractor(), workerScript, parseWorkers: 2 });
    try {
      const expected = snapshot(inThread);
      expect(expected.routes.length).toBeGreaterThan(0);
      expect(snapshot(inWorkers)).toEqual(expected);
      // Updates after a worker build parse in this thread, with its parsers already loaded.
      const file = [...inWorkers.files()][0]!;
      await inWorkers.updateFile(file);
      expect(inWorkers.symbolsIn(file)).toEqual(inThread.symbolsIn(file));
    } finally {
      inThread.dispose();
      inWorkers.dispose();
    }
  });

  it('parses in the index thread when the workers fail, more files than are ever in flight', async () => {
    const dir = mkdtempSync(path.join(REPO, 'dist', 'test-broken-worker-'));
    const broken = path.join(dir, 'parse-worker.js');
    writeFileSync(broken, 'throw new Error("broken worker");');
    const root = path.join(dir, 'ws');
    mkdirSync(root);
    for (let i = 0; i < 80; i++) writeFileSync(path.join(root, `m${i}.ts`), `export function f${i}() {\n  return ${i};\n}\n`);
    try {
      const index = await WorkspaceIndex.build(root, { workerScript: broken, parseWorkers: 2 });
      expect(index.skippedFiles().size).toBe(0);
      expect(index.fileCount).toBe(80);
      expect(index.symbolsIn('m79.ts').map((s) => s.qualifiedName)).toEqual(['f79']);
      index.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
