import type { Connection, Disposable } from 'vscode-languageserver';
import * as lsp from '@protocol/lsp';
import type { EngineView } from '../engine-view';

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onRequest(lsp.unmapped, () => engine()?.unmapped() ?? []);
}
