import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedFunctions, functionKey, touchedFunctions } from '../../language-server/deploys/changed-functions';
import { chooseDeploy, compareVersions, DeployNotFoundError } from '../../language-server/deploys/deploy-choice';
import { Git, GitCommitMissingError, GitCommitNameError } from '../../language-server/deploys/git';
import { mapLine, parseUnifiedDiff, placeLines } from '../../language-server/deploys/unified-diff';
import { chooseWindows } from '../../language-server/deploys/windows';
import { SymbolExtractor } from '../../language-server/index/symbol-extractor';
import type { DeployRecord } from '../../language-server/store/types';

const OLD = `export function a(x: number) {
  return x + 1;
}

export function b(x: number) {
  return x * 2;
}

export function c() {
  return 'c';
}
`;

const NEW = `// a comment pushes every line down by one
export function a(x: number) {
  return x + 1;
}

export function b(x: number) {
  const y = x * 2;
  return y * 3;
}

export function c() {
  return 'c';
}

export function d() {
  return 'd';
}
`;

const extractor = new SymbolExtractor();
afterAll(() => extractor.dispose());

async function symbols(text: string) {
  const { symbols } = await extractor.extract(text, { file: 'src/m.ts', language: 'typescript', pythonModule: '' });
  return symbols.map((s) => s.symbol);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
}

describe('unified diff arithmetic', () => {
  const diff = `diff --git a/src/m.ts b/src/m.ts
index 1..2 100644
--- a/src/m.ts
+++ b/src/m.ts
@@ -0,0 +1 @@
+// a comment pushes every line down by one
@@ -6 +7,2 @@ export function b(x: number) {
-  return x * 2;
+  const y = x * 2;
+  return y * 3;
@@ -11,0 +13,4 @@ export function c() {
+
+export function d() {
+  return 'd';
+}
`;

  it('parses files and hunks and places each line on its old or new line', () => {
    const [file] = parseUnifiedDiff(diff);
    expect(file).toMatchObject({ oldPath: 'src/m.ts', newPath: 'src/m.ts' });
    expect(file!.hunks.map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount])).toEqual([[0, 0, 1, 1], [6, 1, 7, 2], [11, 0, 13, 4]]);
    expect(placeLines(file!.hunks[1]!)).toEqual([
      { text: '-  return x * 2;', side: 'old', line: 5 },
      { text: '+  const y = x * 2;', side: 'new', line: 6 },
      { text: '+  return y * 3;', side: 'new', line: 7 },
    ]);
  });

  it('moves old lines through the hunks and loses the ones a hunk replaced', () => {
    const hunks = parseUnifiedDiff(diff)[0]!.hunks;
    expect(mapLine(hunks, 0)).toBe(1); // `function a` moved down by the comment
    expect(mapLine(hunks, 5)).toBeNull(); // the replaced line of b
    expect(mapLine(hunks, 8)).toBe(10); // `function c`: +1 from the comment, +1 from b's extra line
  });

  it('maps hunks to the functions whose bodies changed, not the ones that only moved', async () => {
    const hunks = parseUnifiedDiff(diff)[0]!.hunks;
    const changed = touchedFunctions('src/m.ts', await symbols(OLD), await symbols(NEW), hunks);
    expect(changed.map((c) => [c.qualifiedName, c.change])).toEqual([['b', 'modified'], ['d', 'added']]);
    expect(changed[0]!.diffLines).toEqual(['-  return x * 2;', '+  const y = x * 2;', '+  return y * 3;']);
  });
});

describe('changed functions from a real git repository', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-hunks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('diffs two commits, names the changed functions, and refuses bad or missing commits', async () => {
    git(dir, 'init', '-q');
    writeFileSync(path.join(dir, 'm.ts'), OLD);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'v1');
    const a = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'm.ts'), NEW);
    git(dir, 'commit', '-q', '-am', 'v2');
    const b = git(dir, 'rev-parse', 'HEAD');

    const repo = await Git.open(dir);
    const owner = { service: 'shop', version: '1.4.2' };
    expect(await repo.resolveCommit(a.slice(0, 10), owner)).toBe(a);
    const changed = await changedFunctions({ git: repo, extractor, isSource: () => true }, a, b);
    expect([...changed.keys()].sort()).toEqual([functionKey('m.ts', 'b'), functionKey('m.ts', 'd')]);

    await expect(repo.resolveCommit('abc1234', owner)).rejects.toThrow(
      new GitCommitMissingError('commit abc1234 of shop 1.4.2 is not in this repository; fetch it: git fetch origin abc1234'),
    );
    await expect(repo.resolveCommit('--output=/tmp/x', owner)).rejects.toBeInstanceOf(GitCommitNameError);
    await expect(repo.resolveCommit(`${a}..${b}`, owner)).rejects.toBeInstanceOf(GitCommitNameError);
  });
});

function deploy(version: string, firstSeenMs: number, lastSeenMs: number, extra: Partial<DeployRecord> = {}): DeployRecord {
  return { service: 'shop', environment: 'prod', version, commit: null, firstSeenMs, lastSeenMs, spanCount: 100, source: 'telemetry', ...extra };
}

describe('choosing the deploy and its windows', () => {
  const MIN = 60_000;

  it('orders by first seen, so a version that goes backwards is a rollback deploy', () => {
    const all = [deploy('1.4.1', 20 * MIN, 30 * MIN), deploy('1.4.2', 10 * MIN, 19 * MIN), deploy('1.4.1-old', 0, 9 * MIN)].sort((x, y) => y.firstSeenMs - x.firstSeenMs);
    const c = chooseDeploy(all, {})!;
    expect([c.deploy.version, c.previous?.version, c.rollback]).toEqual(['1.4.1', '1.4.2', true]);
    expect(compareVersions('1.10.0', '1.9.3')).toBeGreaterThan(0);
    expect(compareVersions('abc1234', '1.0')).toBe(0);
  });

  it('prefers a service that sent telemetry over a marker for an unknown one, and names what exists', () => {
    const all = [deploy('9', 50 * MIN, 50 * MIN, { service: 'ghost', spanCount: 0, source: 'marker' }), deploy('2', 10 * MIN, 20 * MIN)];
    expect(chooseDeploy(all, {})!.deploy.service).toBe('shop');
    expect(() => chooseDeploy(all, { service: 'nope' })).toThrow(new DeployNotFoundError('no deploys recorded for service "nope"; known: ghost (prod), shop (prod)'));
    expect(() => chooseDeploy(all, { service: 'shop', version: '7' })).toThrow(/no deploy of version "7".*known versions: 2/);
  });

  it('compares concurrently while both versions serve, else the same length just before', () => {
    const prev = deploy('1', 0, 100 * MIN);
    const next = deploy('2', 40 * MIN, 100 * MIN);
    const w = chooseWindows(next, prev, 100 * MIN);
    expect(w.concurrent).toBe(true);
    expect(w.before).toEqual(w.after);
    expect(w.before.fromMs).toBe(40 * MIN);

    const seq = chooseWindows(deploy('2', 40 * MIN, 70 * MIN), deploy('1', 0, 39 * MIN), 70 * MIN);
    // 30 minutes after the deploy the 15-minute checkpoint is the latest reached.
    expect(seq).toMatchObject({ concurrent: false, before: { fromMs: 25 * MIN, toMs: 40 * MIN }, after: { fromMs: 40 * MIN, toMs: 55 * MIN } });
  });
});
