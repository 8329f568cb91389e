/**
 * A small pool of parse workers for the cold index. Parsing is nearly all of a cold index's CPU,
 * and files are independent, so two workers halve it on two cores; the index thread meanwhile only
 * reads files and files the results, so the language server stays responsive while it builds.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParseRequest, ParseResult } from './parse-file';
import { PARSE_WORKER, type WorkerRequest } from './parse-worker';

/** The bundled worker next to the running bundle (`dist/server.js`, `dist/cli.js`) or one folder up
 * (`dist/bench/index.js`); undefined when running from sources, where the index parses in-thread. */
export function defaultWorkerScript(): string | undefined {
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const file = path.join(dir, 'parse-worker.js');
    if (existsSync(file)) return file;
  }
  return undefined;
}

export class ParsePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (r: ParseResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private turn = 0;
  /** Set once a worker died: the pool takes no more files, and the index parses the rest itself. */
  private failed: Error | null = null;

  constructor(script: string, size: number, private readonly routes: boolean) {
    this.workers = Array.from({ length: size }, () => this.spawn(script));
  }

  /** Parses one file in the next worker; results come back in any order. */
  parse(req: ParseRequest): Promise<ParseResult> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise<ParseResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg: WorkerRequest = { ...req, id, routes: this.routes };
      worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private spawn(script: string): Worker {
    const worker = new Worker(script, { workerData: PARSE_WORKER });
    worker.on('message', (msg: { id: number; result: ParseResult }) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg.result);
    });
    // A worker that dies fails what is in flight; the index parses those files in its own thread.
    worker.on('error', (err) => this.failAll(new Error(`parse worker ${script} failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (code !== 0) this.failAll(new Error(`parse worker ${script} exited with code ${code}`));
    });
    return worker;
  }

  private failAll(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
