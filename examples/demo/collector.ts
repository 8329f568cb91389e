/**
 * The collector as its own process, `node dist/cli.js collector` on 127.0.0.1 with free ports,
 * the way it runs beside a service. Out of the demo's process, its ingest work does not stall the
 * load generator (a stalled generator sends its requests in bursts, which the shop would see as
 * queueing).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface CollectorProcess {
  httpUrl: string;
  close(): Promise<void>;
}

const READY = /^prodlens collector listening http=(\S+) grpc=\S+ data=.+$/;

export async function startCollectorProcess(projectRoot: string, dataDir: string, token: string): Promise<CollectorProcess> {
  const cli = path.join(projectRoot, 'dist/cli.js');
  if (!existsSync(cli)) throw new Error(`demo: ${cli} is missing; build first with "node esbuild.mjs" (npm run demo does)`);
  const child = spawn(process.execPath, [cli, 'collector', '--host', '127.0.0.1', '--port', '0', '--grpc-port', '0', '--data-dir', dataDir], {
    env: { ...process.env, PRODLENS_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`demo: could not start the collector (${cli}): ${err.message}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = READY.exec(line);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`demo: the collector exited (code ${code}) before it was listening:\n${stderr}`)));
  });
  return {
    httpUrl,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0 && code !== null) throw new Error(`the collector exited with code ${code}:\n${stderr}`);
    },
  };
}
