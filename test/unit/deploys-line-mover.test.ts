// Lines reported by the deployed commit moved onto the working tree, and the functions edited since
// the deploy, against a real git repository whose working tree changed after the deployed commit.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedSinceDeploy } from '../../language-server/deploys/changed-since';
import { Git } from '../../language-server/deploys/git';
import { LineMover } from '../../language-server/deploys/line-mover';
import { SymbolExtractor } from '../../language-server/index/symbol-extractor';
import type { SymbolDef } from '../../language-server/index/types';
import type { DeployRecord } from '../../language-server/store/types';

const DEPLOYED = `export function place(items: string[]) {
  return items.length;
}

export function cancel(id: number) {
  return id;
}

export function list() {
  return [];
}
`;

// Two lines added above `place`, `cancel` edited, `list` only moved.
const NOW = `import { audit } from './audit';
// orders
export function place(items: string[]) {
  return items.length;
}

export function cancel(id: number) {
  audit(id);
  return -id;
}

export function list() {
  return [];
}
`;

function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  return execFileSync('git', args, { cwd, encoding: 'utf8', env }).trim();
}

describe('since the deployed commit', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-moved-'));
  const workspace = path.join(dir, 'svc');
  const extractor = new SymbolExtractor();
  let sha = '';
  let symbolsNow: SymbolDef[] = [];
  const deploy = (commit: string | null): DeployRecord => ({ service: 'shop', environment: 'prod', version: '1.4.2', commit, firstSeenMs: 0, lastSeenMs: 0, spanCount: 1, source: 'telemetry' });

  beforeAll(async () => {
    // The workspace is a folder inside the repository, so paths go through the prefix.
    mkdirSync(path.join(workspace, 'src'), { recursive: true });
    git(dir, 'init', '-q');
    writeFileSync(path.join(workspace, 'src/orders.ts'), DEPLOYED);
    writeFileSync(path.join(workspace, 'src/other.ts'), 'export const x = 1;\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'deployed');
    sha = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(path.join(workspace, 'src/orders.ts'), NOW);
    symbolsNow = (await extractor.extract(NOW, { file: 'src/orders.ts', language: 'typescript', pythonModule: '' })).symbols.map((s) => s.symbol);
  });
  afterAll(() => {
    extractor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a deployed line to where that code is now, and drops lines the edit rewrote', async () => {
    const mover = new LineMover(() => Git.open(workspace));
    // Unprepared, lines pass through as reported.
    expect(mover.move(sha.slice(0, 12), 'src/orders.ts', 0)).toBe(0);
    await mover.prepare(sha.slice(0, 12), { service: 'shop', version: '1.4.2' });
    expect(mover.move(sha.slice(0, 12), 'src/orders.ts', 0)).toBe(2); // `place` moved down by two
    expect(mover.move(sha.slice(0, 12), 'src/orders.ts', 5)).toBeNull(); // `return id;` was rewritten
    expect(mover.move(sha.slice(0, 12), 'src/orders.ts', 8)).toBe(11); // `list`, two lines above plus one inside `cancel`
    expect(mover.move(sha.slice(0, 12), 'src/other.ts', 0)).toBe(0);
    // A commit git does not have leaves lines alone instead of failing ingest.
    await mover.prepare('abcdef1', { service: 'shop', version: '9' });
    expect(mover.move('abcdef1', 'src/orders.ts', 8)).toBe(8);
  });

  it('names the functions whose body differs from the deployed commit', async () => {
    const deps = {
      git: () => Git.open(workspace),
      extractor,
      isSource: () => true,
      index: { symbolsIn: (file: string) => (file === 'src/orders.ts' ? symbolsNow : []) },
    };
    expect(await changedSinceDeploy(deps, deploy(sha), null)).toEqual([{ file: 'src/orders.ts', symbol: 'cancel' }]);
    expect(await changedSinceDeploy(deps, deploy(null), null)).toBeNull();
    expect(await changedSinceDeploy(deps, deploy('abcdef1'), null)).toBeNull();
  });
});
