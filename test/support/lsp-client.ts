/**
 * A real LSP client for tests: vscode-jsonrpc on one end of a stream pair and the real server
 * (`startServer`) on the other, or a child process speaking LSP over stdio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  ConfigurationRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type CodeLens,
  type Hover,
} from 'vscode-languageserver-protocol';
import * as lsp from '../../protocol/lsp';
import { startServer, type ServerDeps } from '../../language-server/server';

export interface TestClient {
  connection: MessageConnection;
  /** Resolves on the next `workspace/codeLens/refresh` from the server. */
  nextLensRefresh(): Promise<void>;
  /** Resolves when a `prodlens/status` notification satisfies the predicate. */
  status(predicate: (s: lsp.StatusParams) => boolean): Promise<lsp.StatusParams>;
  codeLenses(file: string): Promise<CodeLens[]>;
  hover(file: string, line: number): Promise<Hover | null>;
  close(sendExit?: boolean): Promise<void>;
}

/**
 * Resolves once the server's deploy list accounts for `spans` spans, i.e. everything sent has been
 * ingested; it re-checks after each lens refresh, which the server sends after every ingest.
 */
export async function deploySpansIngested(client: TestClient, spans: number): Promise<void> {
  for (;;) {
    const deploys = await client.connection.sendRequest(lsp.deploys, {});
    if (deploys.reduce((n, d) => n + d.spans, 0) === spans) return;
    await client.nextLensRefresh();
  }
}

export interface ClientOptions {
  root: string;
  initializationOptions: Record<string, unknown>;
  /** What the client answers to workspace/configuration for `prodlens`. */
  configuration?: Record<string, unknown>;
}

/** The real server in this process over an in-memory stream pair. */
export async function startInMemory(opts: ClientOptions, deps: Partial<ServerDeps> = {}): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(toServer, toClient);
  startServer(serverConnection, { lensRefreshMs: 50, ...deps });
  const client = await connect(createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer)), opts);
  return {
    ...client,
    close: async () => {
      await client.close();
      serverConnection.dispose();
    },
  };
}

/** `node dist/cli.js lsp --stdio` as a child process. */
export async function startChild(cli: string, opts: ClientOptions, env: NodeJS.ProcessEnv = {}): Promise<TestClient & { child: ChildProcess }> {
  const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const client = await connect(createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), opts);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...client,
    child,
    close: async () => {
      await client.close(true);
      await exited;
    },
  };
}

async function connect(connection: MessageConnection, opts: ClientOptions): Promise<TestClient> {
  const refreshWaiters: Array<() => void> = [];
  const statusWaiters: Array<{ predicate: (s: lsp.StatusParams) => boolean; resolve: (s: lsp.StatusParams) => void }> = [];
  connection.onRequest(CodeLensRefreshRequest.type, () => {
    for (const w of refreshWaiters.splice(0)) w();
  });
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => opts.configuration ?? null));
  connection.onNotification(lsp.status, (s) => {
    for (const w of [...statusWaiters]) {
      if (w.predicate(s)) {
        statusWaiters.splice(statusWaiters.indexOf(w), 1);
        w.resolve(s);
      }
    }
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('window/showMessage', (m: { message: string }) => {
    throw new Error(`server showed a message: ${m.message}`);
  });
  connection.listen();
  const rootUri = pathToFileURL(opts.root).toString();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'fixture' }],
    capabilities: { workspace: { codeLens: { refreshSupport: true }, configuration: opts.configuration !== undefined } },
    initializationOptions: opts.initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const uri = (file: string) => pathToFileURL(`${opts.root}/${file}`).toString();
  return {
    connection,
    nextLensRefresh: () => new Promise((resolve) => refreshWaiters.push(resolve)),
    status: (predicate) => new Promise((resolve) => statusWaiters.push({ predicate, resolve })),
    codeLenses: async (file) => (await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: uri(file) } })) ?? [],
    hover: (file, line) => connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(file) }, position: { line, character: 4 } }),
    // The in-memory server shares this process, and vscode-languageserver answers `exit` (or a closed
    // input stream) with process.exit, so only a child process is sent `exit`.
    close: async (sendExit = false) => {
      await connection.sendRequest('shutdown');
      if (sendExit) await connection.sendNotification('exit');
      connection.dispose();
    },
  };
}
