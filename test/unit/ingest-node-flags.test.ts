import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../language-server/ingest/node-flags';

const root = path.resolve(__dirname, '../..');

describe('the server V8 flags', () => {
  it('are accepted by this node and size the heap as intended', () => {
    // node refuses to start on an unknown flag, which would leave the extension without a server.
    const probe = 'const v8 = require("v8"); const h = v8.getHeapStatistics(); console.log(JSON.stringify(h))';
    const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', probe], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const heap = JSON.parse(run.stdout) as { heap_size_limit: number };
    const mb = heap.heap_size_limit / 1024 ** 2;
    // The old-space limit plus the (small) young generation.
    expect(mb).toBeGreaterThanOrEqual(1024);
    expect(mb).toBeLessThan(1100);
  });

  it('are what the extension launches the server with', () => {
    const client = readFileSync(path.join(root, 'extension/client.ts'), 'utf8');
    expect(client).toMatch(/execArgv: \[\.\.\.SERVER_NODE_FLAGS\]/);
  });
});
