/**
 * "Local mode": runs `dist/cli.js collector` on 127.0.0.1 as a child of the extension host, so
 * services on the developer's machine can send spans to it (the local dev loop). It prefers the
 * standard OTLP ports, so SDKs work with their defaults, and falls back to free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const READY = /^prodlens collector listening http=(\S+) grpc=(\S+) data=(.+)$/m;

export class LocalCollectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalCollectorError';
  }
}

export interface LocalCollector {
  httpUrl: string;
  grpcAddress: string;
  token: string;
  stop(): Promise<void>;
}

export interface LocalCollectorOptions {
  /** Path of dist/cli.js. */
  cli: string;
  dataDir: string;
  /** Node executable; default this process's. */
  node?: string;
  ports?: { http: number; grpc: number };
  log: (line: string) => void;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startLocalCollector(opts: LocalCollectorOptions): Promise<LocalCollector> {
  const token = newToken();
  const preferred = opts.ports ?? { http: 4318, grpc: 4317 };
  try {
    return await spawnOnce(opts, token, preferred);
  } catch (err) {
    if (!(err instanceof LocalCollectorError) || !/EADDRINUSE/.test(err.message) || (preferred.http === 0 && preferred.grpc === 0)) throw err;
    opts.log(`local collector: ports ${preferred.http}/${preferred.grpc} are taken, using free ports`);
    return spawnOnce(opts, token, { http: 0, grpc: 0 });
  }
}

function spawnOnce(opts: LocalCollectorOptions, token: string, ports: { http: number; grpc: number }): Promise<LocalCollector> {
  const args = [opts.cli, 'collector', '--host', '127.0.0.1', '--port', String(ports.http), '--grpc-port', String(ports.grpc), '--data-dir', opts.dataDir];
  // The token goes through the environment, not argv, so other local users cannot read it from ps.
  const child = spawn(opts.node ?? process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', PRODLENS_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      for (const line of d.toString().split('\n')) if (line.trim()) opts.log(`local collector: ${line}`);
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = READY.exec(out);
      if (m) resolve({ httpUrl: m[1]!, grpcAddress: m[2]!, token, stop: () => stopChild(child) });
    });
    child.on('error', (e) => reject(new LocalCollectorError(`could not run ${opts.node ?? process.execPath} ${opts.cli}: ${e.message}`)));
    child.on('exit', (code, signal) => reject(new LocalCollectorError(`the local collector exited (${signal ?? `code ${code}`}) before listening: ${err.trim() || 'no output'}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
