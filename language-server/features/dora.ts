import { ErrorCodes, ResponseError, type Connection, type Disposable } from 'vscode-languageserver';
import { z } from 'zod';
import * as lsp from '@protocol/lsp';
import { DeployNotFoundError } from '../deploys/deploy-choice';
import type { EngineView } from '../engine-view';
import { deployFilter } from './deploys';
import { validated } from './validated';

const params = deployFilter.extend({ period: z.string().regex(/^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/, 'a duration such as 7d or 30d').optional() });

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onRequest(lsp.dora, async (raw) => {
    const p = validated(params, raw ?? {}, lsp.dora.method);
    const e = engine();
    if (!e) return null;
    try {
      return await e.dora(p);
    } catch (err) {
      if (err instanceof DeployNotFoundError) throw new ResponseError(ErrorCodes.InvalidParams, `${lsp.dora.method}: ${err.message}`);
      throw err;
    }
  });
}
