/**
 * Engines on a real collector for one test at a time: `start` gives a collector and a temp folder,
 * `open` an engine that pulls from it on demand; after each test all are closed and removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import { DEFAULT_SETTINGS } from '../../protocol/settings';
import { openEngine, type Engine, type EngineOptions } from '../../language-server/engine';
import { startTestCollector, type TestCollector } from './collector';

export function collectorEngines(root: string, options: Partial<EngineOptions> = {}) {
  let collector: TestCollector | undefined;
  let dir: string | undefined;
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await collector?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    collector = dir = undefined;
  });
  return {
    /** A fresh collector and the path of a store file in a fresh temp folder. */
    async start(prefix: string): Promise<{ collector: TestCollector; dbFile: string }> {
      collector = await startTestCollector();
      dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      return { collector, dbFile: path.join(dir, 'store.db') };
    },
    async open(c: TestCollector, dbFile: string): Promise<Engine> {
      const e = await openEngine({ root, settings: { ...DEFAULT_SETTINGS, collectorUrl: c.httpUrl }, token: c.token, dbFile, pullInBackground: false, ...options });
      engines.push(e);
      return e;
    },
    /** Closes an engine before the test ends (to open another on the same store). */
    async close(e: Engine): Promise<void> {
      engines.splice(engines.indexOf(e), 1);
      await e.close();
    },
  };
}
