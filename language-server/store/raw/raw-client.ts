/**
 * The main thread's side of the raw writer: a worker thread (raw-worker.ts) that stores each pull's
 * raw spans while this thread maps and counts them. Requests are posted as the pull streams;
 * `commit` and `rollback` resolve when the writer has finished everything posted before them.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExceptionInfo } from '../../ingest/span';
import { RAW_WRITER, type RawReply, type RawRequest } from './raw-protocol';

/** The bundled raw writer next to the running bundle (`dist/server.js`, `dist/cli.js`) or one folder up
 * (`dist/bench/server.js`); undefined when running from sources, where raw spans are written in-thread. */
export function defaultRawWorkerScript(): string | undefined {
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const file = path.join(dir, 'raw-worker.js');
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The raw writer failed; the pull's raw spans were rolled back. */
export class RawWriterError extends Error {
  override name = 'RawWriterError';
}

export class RawWriterClient {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve: (spans: number) => void; reject: (e: Error) => void }> = [];
  private dead: Error | null = null;
  /** Requests posted since the last commit or rollback: a pull is in flight. */
  private inFlight = false;

  constructor(script: string, rawFile: string) {
    this.worker = new Worker(script, { workerData: { kind: RAW_WRITER, rawFile } });
    this.worker.on('message', (reply: RawReply) => {
      const w = this.waiting.shift();
      if (this.waiting.length === 0) this.idle();
      if (!w) return;
      if (reply.op === 'done') w.resolve(reply.spans);
      else w.reject(new RawWriterError(`storing raw spans failed: ${reply.message}`));
    });
    this.worker.on('error', (err) => this.fail(new RawWriterError(`raw writer ${script} failed: ${err.message}`)));
    this.worker.on('exit', (code) => this.fail(new RawWriterError(`raw writer ${script} exited with code ${code}`)));
    // Idle between pulls, the thread must not keep the process alive; in a pull, it must.
    this.worker.unref();
  }

  /** True from a pull's first request until the writer has answered its commit or rollback. */
  get busy(): boolean {
    return this.inFlight;
  }

  /** The failure that ended the writer, if it ended. */
  get failure(): Error | null {
    return this.dead;
  }

  /** Posts one trace frame with what the main thread mapped its spans to. The payload is copied. */
  frame(seq: bigint, payload: Uint8Array, fnIds: Int32Array, seriesIds: Int32Array): void {
    const own = new Uint8Array(payload);
    this.post({ op: 'frame', seq: seq.toString(), payload: own, fnIds, seriesIds }, [own.buffer, fnIds.buffer as ArrayBuffer, seriesIds.buffer as ArrayBuffer]);
  }

  attach(traceId: string, spanId: string, exception: ExceptionInfo): void {
    this.post({ op: 'attach', traceId, spanId, exception });
  }

  /** Commits the pull with its cursor once every frame posted before is stored; resolves with the spans stored. */
  commit(cursor: string | null): Promise<number> {
    return this.settle({ op: 'commit', cursor });
  }

  rollback(): Promise<number> {
    return this.settle({ op: 'rollback' });
  }

  /** Ends the thread; a pull it has not committed is rolled back (SQLite discards its open transaction). */
  terminate(): void {
    this.dead ??= new RawWriterError('the raw writer was closed');
    void this.worker.terminate();
  }

  private settle(req: RawRequest): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.waiting.push({ resolve, reject });
      this.busyNow();
      this.worker.postMessage(req);
    });
  }

  private post(req: RawRequest, transfer: ArrayBuffer[] = []): void {
    if (this.dead) return;
    this.busyNow();
    this.worker.postMessage(req, transfer);
  }

  private busyNow(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    this.worker.ref();
  }

  private idle(): void {
    this.inFlight = false;
    this.worker.unref();
  }

  private fail(err: Error): void {
    this.dead ??= err;
    this.idle();
    for (const w of this.waiting.splice(0)) w.reject(this.dead);
  }
}
