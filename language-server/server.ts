/**
 * The language server as a function of its connection (STYLE.md habit 5): the process entry
 * (main.ts), `prodlens lsp --stdio` and the integration tests all call `startServer` with their own
 * connection, and every feature module registers itself on it.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as lsp from '@protocol/lsp';
import { parseSettings, type Settings } from '@protocol/settings';
import { openEngine, type Engine, type EngineOptions } from './engine';
import * as codeLens from './features/code-lens';
import * as deployDiff from './features/deploy-diff';
import * as deploys from './features/deploys';
import * as dora from './features/dora';
import * as functionDetail from './features/function-detail';
import * as hover from './features/hover';
import * as refresh from './features/refresh';
import * as tool from './features/tool';
import * as trace from './features/trace';
import * as unmapped from './features/unmapped';
import { throttle } from './throttle';

export interface ServerDeps {
  /** Opens the engine; tests pass options such as a temporary database file. */
  openEngine: (options: EngineOptions) => Promise<Engine>;
  /** Minimum time between code lens refreshes after new data arrives. */
  lensRefreshMs: number;
}

const defaultDeps: ServerDeps = { openEngine, lensRefreshMs: 2000 };

/** What a client may pass in `initializationOptions`. */
interface InitOptions {
  settings?: unknown;
  token?: unknown;
  dbFile?: unknown;
  /** false in a workspace VS Code does not trust: the server then never runs git. */
  workspaceTrusted?: unknown;
}

export function startServer(connection: Connection, deps: Partial<ServerDeps> = {}): void {
  const { openEngine: open, lensRefreshMs } = { ...defaultDeps, ...deps };
  const documents = new TextDocuments(TextDocument);
  let engine: Engine | undefined;
  let engineReady: Promise<void> | undefined;
  let root = '';
  let init: InitOptions = {};
  let lensRefreshSupported = false;
  let configurationSupported = false;

  const view = () => engine;
  for (const feature of [codeLens, hover, functionDetail, unmapped, trace, refresh, deploys, deployDiff, dora, tool]) feature.register(connection, view);

  const refreshLenses = throttle(() => {
    if (lensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }, lensRefreshMs);

  async function readSettings(): Promise<Settings> {
    let raw: unknown = init.settings;
    if (configurationSupported) {
      const fromClient = (await connection.workspace.getConfiguration('prodlens')) as unknown;
      if (fromClient && typeof fromClient === 'object') raw = { ...(raw as object | undefined), ...fromClient };
    }
    const { settings, problems } = parseSettings(raw, 'settings');
    for (const p of problems) connection.window.showWarningMessage(`Prodlens: ${p}; using the default for it.`);
    return settings;
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    root = folder ? fileURLToPath(folder) : process.cwd();
    init = (params.initializationOptions ?? {}) as InitOptions;
    lensRefreshSupported = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    configurationSupported = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
      },
      serverInfo: { name: 'prodlens' },
    };
  });

  connection.onInitialized(() => {
    if (configurationSupported) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'prodlens' });
    engineReady = (async () => {
      const settings = await readSettings();
      engine = await open({
        root,
        settings,
        token: typeof init.token === 'string' ? init.token : process.env.PRODLENS_TOKEN,
        dbFile: typeof init.dbFile === 'string' ? init.dbFile : undefined,
        gitEnabled: init.workspaceTrusted !== false,
        onStatus: (s) => void connection.sendNotification(lsp.status, s),
        onIngest: refreshLenses,
        log: (level, message) => connection.console[level](message),
      });
      refreshLenses();
    })().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      connection.console.error(`Prodlens could not start: ${message}`);
      connection.window.showErrorMessage(`Prodlens could not start: ${message}`);
    });
  });

  connection.onDidChangeConfiguration(async () => {
    await engineReady;
    if (!engine) return;
    engine.updateSettings(await readSettings());
    refreshLenses();
  });

  documents.onDidChangeContent(async ({ document }) => {
    await engineReady;
    const file = engine?.relativePath(document.uri);
    if (engine && file) await engine.updateDocument(file, document.getText());
  });

  // A save changes the files git diffs deployed commits against (deployed lines move through that diff).
  documents.onDidSave(async ({ document }) => {
    await engineReady;
    const file = engine?.relativePath(document.uri);
    if (engine && file) await engine.updateDocument(file, document.getText());
  });

  connection.onShutdown(async () => {
    refreshLenses.cancel();
    await engineReady;
    await engine?.close();
    engine = undefined;
  });

  documents.listen(connection);
  connection.listen();
}
