import { ErrorCodes, ResponseError, type Connection, type Disposable } from 'vscode-languageserver';
import { z } from 'zod';
import * as lsp from '@protocol/lsp';
import { DeployNotFoundError } from '../deploys/deploy-choice';
import type { EngineView } from '../engine-view';
import { deployFilter } from './deploys';
import { validated } from './validated';

const params = deployFilter.extend({ version: z.string().min(1).max(256).optional() });

export function register(connection: Connection, engine: () => EngineView | undefined): Disposable {
  return connection.onRequest(lsp.deployDiff, async (raw) => {
    const p = validated(params, raw ?? {}, lsp.deployDiff.method);
    const e = engine();
    if (!e) return null;
    try {
      return await e.deployDiff(p);
    } catch (err) {
      // An unknown service or version is the caller's input, not a server fault.
      if (err instanceof DeployNotFoundError) throw new ResponseError(ErrorCodes.InvalidParams, `${lsp.deployDiff.method}: ${err.message}`);
      throw err;
    }
  });
}
