/**
 * The fake payments provider the shop charges through (its outbound HTTP call): a few
 * tens of milliseconds per charge and an occasional decline. It stands for a third party, so it is not
 * instrumented, and it runs as its own small process so that its answers do not wait on the demo's
 * busy event loop (the collector and the load generator live there).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Payments {
  url: string;
  close(): Promise<void>;
}

const SERVER = `
const http = require('node:http');
let next = 1;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => {
    const declined = Math.random() < 0.02;
    res.writeHead(declined ? 402 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(declined ? { reason: 'insufficient funds' } : { chargeId: 'ch_' + next++ }));
  }, 30 + Math.random() * 30));
});
server.listen(0, '127.0.0.1', () => console.log('payments listening on ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

export async function startPayments(): Promise<Payments> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`demo: could not start the fake payments server: ${err.message}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^payments listening on (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`demo: the fake payments server exited before it was listening:\n${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  await warmUp(url);
  return {
    url,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A few hundred charges before the shop starts: a cold process answers its first requests slowly
 * while V8 compiles, and that would count against version 1 only, which starts first.
 */
async function warmUp(url: string): Promise<void> {
  const one = async () => {
    for (let i = 0; i < 30; i++) await (await fetch(`${url}/charge`, { method: 'POST', body: '{"amountCents":1}' })).arrayBuffer();
  };
  await Promise.all(Array.from({ length: 10 }, one));
}
