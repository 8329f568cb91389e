/**
 * Entry of a parse worker thread (bundled as `dist/parse-worker.js`). It loads its own tree-sitter
 * and grammars, parses the files the index sends, and answers with plain data. Route facts use the
 * standard route reader, the only one a worker can run (functions do not cross threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseFile, type ParseRequest } from './parse-file';
import { standardFactsFor } from './routes';
import { SymbolExtractor } from './symbol-extractor';

/** `workerData` of a parse worker, so importing this module anywhere else does nothing. */
export const PARSE_WORKER = 'prodlens-parse-worker';

export interface WorkerRequest extends ParseRequest {
  id: number;
  routes: boolean;
}

const port = parentPort;
if (port && workerData === PARSE_WORKER) {
  const extractor = new SymbolExtractor();
  port.on('message', (req: WorkerRequest) => {
    void parseFile(extractor, req, req.routes ? standardFactsFor : null).then((result) => port.postMessage({ id: req.id, result }));
  });
}
