import type { Connection, Disposable } from 'vscode-languageserver';
import { z } from 'zod';
import * as lsp from '@protocol/lsp';
import type { EngineView } from '../engine-view';
import { validated } from './validated';

const params = z.object({ traceId: z.string().regex(/^[0-9a-f]{32}$/, 'a 32-digit lowercase hex trace id') });

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onRequest(lsp.trace, (raw) => {
    const p = validated(params, raw, lsp.trace.method);
    return engine()?.trace(p.traceId) ?? [];
  });
}
