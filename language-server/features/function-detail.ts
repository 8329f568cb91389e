import type { Connection, Disposable } from 'vscode-languageserver';
import { z } from 'zod';
import * as lsp from '@protocol/lsp';
import type { EngineView } from '../engine-view';
import { validated } from './validated';

const params = z.object({ uri: z.string().min(1).max(4096), symbol: z.string().min(1).max(1024) });

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onRequest(lsp.functionDetail, (raw) => {
    const p = validated(params, raw, lsp.functionDetail.method);
    const e = engine();
    const file = e?.relativePath(p.uri);
    return e && file ? e.functionDetail(file, p.symbol) : null;
  });
}
