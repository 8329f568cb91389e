/**
 * Over the real language server: deployed lines are moved through `git diff` against the files on
 * disk, so an edit and then a save each make the server diff again. Between an edit and its save the
 * diff is of the old file; after the save, version 1's line lands on the function that holds it now.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lsp from '../../protocol/lsp';
import { startTestCollector, type TestCollector } from '../support/collector';
import { deploySpansIngested, startInMemory, type TestClient } from '../support/lsp-client';
import { sendSpans } from '../support/otel';
import { DEPLOYED, FILE, NAMELESS, WORKING } from './deploy-lines-scenario';
import { git } from './deploy-scenario';

describe('language server: deployed lines follow edits and saves', () => {
  let collector: TestCollector;
  let client: TestClient;
  let tmp: string;
  let repo: string;
  let send: () => Promise<void>;

  async function priceCartRequests(): Promise<number> {
    const detail = await client.connection.sendRequest(lsp.functionDetail, { uri: pathToFileURL(path.join(repo, FILE)).toString(), symbol: 'priceCart' });
    return detail?.stats.requests ?? 0;
  }

  beforeAll(async () => {
    collector = await startTestCollector();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'prodlens-lines-lsp-'));
    repo = path.join(tmp, 'cart');
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    git(repo, 'init', '-q');
    writeFileSync(path.join(repo, FILE), DEPLOYED);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'v1');
    const commit = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(path.join(repo, FILE), WORKING);
    send = () => sendSpans({ collectorUrl: collector.httpUrl, service: 'cart', version: '1.0.0', resource: { 'vcs.ref.head.revision': commit } }, NAMELESS);
    await send();
    client = await startInMemory({
      root: repo,
      initializationOptions: { settings: { collectorUrl: collector.httpUrl, window: '1h' }, token: collector.token, dbFile: path.join(tmp, 'store.db') },
    });
    await deploySpansIngested(client, NAMELESS.length);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await collector?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('diffs against the saved file once it is saved', async () => {
    expect(await priceCartRequests()).toBe(NAMELESS.length);
    const uri = pathToFileURL(path.join(repo, FILE)).toString();
    const moved = `// cart\n// pricing\n${WORKING}`;
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: WORKING } });
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: moved }] });
    // The server has indexed the edit once priceCart's lens moves to its new line (0-based 9).
    while (!(await client.codeLenses(FILE)).some((l) => l.range.start.line === 9)) await new Promise((resolve) => setImmediate(resolve));

    // Unsaved: the disk still has the old file, so version 1's line 3 goes to line 8, a class's brace now.
    await send();
    await deploySpansIngested(client, 2 * NAMELESS.length);
    expect(await priceCartRequests()).toBe(NAMELESS.length);

    writeFileSync(path.join(repo, FILE), moved);
    await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    await send();
    await deploySpansIngested(client, 3 * NAMELESS.length);
    expect(await priceCartRequests()).toBe(2 * NAMELESS.length);
  });
});
