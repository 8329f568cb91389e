import type { Connection, Disposable } from 'vscode-languageserver';
import { z } from 'zod';
import * as lsp from '@protocol/lsp';
import type { EngineView } from '../engine-view';
import { validated } from './validated';

const name = z.string().min(1).max(256);
export const deployFilter = z.object({ service: name.optional(), environment: z.string().max(256).optional() }).strict();

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onRequest(lsp.deploys, (raw) => {
    const p = validated(deployFilter, raw ?? {}, lsp.deploys.method);
    return engine()?.deploys(p) ?? [];
  });
}
