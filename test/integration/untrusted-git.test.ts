/**
 * Restricted mode over the real language server: with `workspaceTrusted: false` in the
 * initialization options the server never runs git (a repository's config can name programs git
 * runs), yet the deploy diff still answers from telemetry alone and says why the code side is
 * missing. The same data and repository, trusted, do get the changed functions.
 *
 * `git` is found on PATH, so a logging wrapper put first on PATH proves whether it was run.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lsp from '../../protocol/lsp';
import { GIT_DISABLED } from '../../language-server/engine';
import { startTestCollector, type TestCollector } from '../support/collector';
import { deploySpansIngested, startInMemory } from '../support/lsp-client';
import { sendSpans } from '../support/otel';
import { AFTER, BEFORE, calls, MIN, shopRepo } from './deploy-scenario';

const N_BEFORE = 300;
const N_AFTER = 240;

describe('language server in an untrusted workspace', () => {
  let collector: TestCollector;
  let tmp: string;
  let repo: string;
  let gitLog: string;
  const savedPath = process.env.PATH;

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-untrusted-'));
    const shop = shopRepo(tmp);
    repo = shop.repo;
    const { a, b } = shop;
    const now = Date.now();
    const deployAt = now - 22 * MIN;
    const svc = (version: string, commit: string) => ({ collectorUrl: collector.httpUrl, service: 'shop', version, resource: { 'vcs.ref.head.revision': commit } });
    await sendSpans(svc('1.4.1', a), calls(BEFORE, N_BEFORE, deployAt - 30 * MIN, deployAt - 1000, 1));
    await sendSpans(svc('1.4.2', b), calls(AFTER, N_AFTER, deployAt, now - 1000, 2));

    // From here on every git the server runs goes through the wrapper, which records its arguments.
    const bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    gitLog = path.join(tmp, 'git-calls.log');
    writeFileSync(gitLog, '');
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${gitLog}'\nexec /usr/bin/git "$@"\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
  }, 120_000);

  afterAll(async () => {
    process.env.PATH = savedPath;
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Starts a server on the repository, waits until it has every span, and returns its deploy diff and DORA report (both may run git). */
  async function diffAs(workspaceTrusted: boolean) {
    const client = await startInMemory({
      root: repo,
      initializationOptions: {
        settings: { collectorUrl: collector.httpUrl, window: '1h' },
        token: collector.token,
        dbFile: path.join(tmp, `store-${workspaceTrusted}.db`),
        workspaceTrusted,
      },
    });
    try {
      await deploySpansIngested(client, 4 * (N_BEFORE + N_AFTER));
      const diff = (await client.connection.sendRequest(lsp.deployDiff, {}))!;
      const dora = (await client.connection.sendRequest(lsp.dora, { period: '7d' }))!;
      return { diff, dora };
    } finally {
      await client.close();
    }
  }

  it('runs no git, still diffs the deploy from telemetry, and says git is disabled', async () => {
    const { diff, dora } = await diffAs(false);
    expect(readFileSync(gitLog, 'utf8')).toBe('');
    expect(diff.gitProblem).toBe(GIT_DISABLED);
    expect(diff.deploy).toMatchObject({ version: '1.4.2', previousVersion: '1.4.1' });
    expect(diff.functions.map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'getOrder', 'listOrders', 'placeOrder']);
    expect(diff.functions.filter((f) => f.changedInDiff)).toEqual([]);
    expect(dora.deploymentFrequency.deploys).toBe(2);
  }, 120_000);

  it('runs git once trusted, on the same data, and finds the changed functions', async () => {
    const { diff } = await diffAs(true);
    expect(readFileSync(gitLog, 'utf8')).toMatch(/^rev-parse /m);
    expect(diff.gitProblem).toBeNull();
    expect(diff.functions.filter((f) => f.changedInDiff).map((f) => f.symbol).sort()).toEqual(['cancelOrder', 'placeOrder']);
  }, 120_000);
});
