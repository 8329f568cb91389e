/**
 * Entry of the raw writer thread (bundled as `dist/raw-worker.js`): opens the raw-span file and
 * hands every request to a `RawWriter`, answering in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openRawWriterDb } from './raw-database';
import { RAW_WRITER, type RawRequest } from './raw-protocol';
import { RawWriter } from './raw-writer';

const port = parentPort;
const data = workerData as { kind?: unknown; rawFile?: unknown } | null;
if (port && data?.kind === RAW_WRITER && typeof data.rawFile === 'string') {
  const db = openRawWriterDb(data.rawFile);
  const writer = new RawWriter(db);
  port.on('message', (req: RawRequest) => {
    const reply = writer.handle(req);
    if (reply) port.postMessage(reply);
  });
}
