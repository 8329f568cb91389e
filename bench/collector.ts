/**
 * `npm run bench:collector`: OTLP/HTTP ingest into a real collector process (fsync on), protobuf
 * and JSON, batches of 512 spans with 10 attributes from concurrent keep-alive clients on
 * loopback; then pull throughput; then, for comparison, a receiver that fully decodes each
 * request with protobufjs and discards it. Prints spans/s, MB/s, p99 latency, peak RSS and the
 * ratio to the full-decode baseline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, promises as fs } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { otlp } from '../collector/otlp-root';
import { PULL_HEADERS, decodePullFrames } from '../protocol/collector';
import { syntheticSpans, tempDir, traceRequestJson, traceRequestProtobuf, type SyntheticSpan } from '../test/support/collector';

const SPANS = 512;
const CLIENTS = 16;
const PHASE_MS = 8_000;

interface Phase {
  name: string;
  requests: number;
  spans: number;
  bytes: number;
  seconds: number;
  p99Ms: number;
  p50Ms: number;
  peakRssMb: number;
  failures: number;
  /** CPU seconds the receiving process used during the phase. */
  cpuSeconds: number;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--baseline-server') return baselineServer();
  const protoBodies = Array.from({ length: 8 }, (_, b) => traceRequestProtobuf(realisticSpans(b)));
  const jsonBodies = Array.from({ length: 8 }, (_, b) => Buffer.from(JSON.stringify(traceRequestJson(realisticSpans(b)))));
  console.log(`prodlens collector benchmark: ${CLIENTS} concurrent clients, ${SPANS} spans × 10 HTTP-server attributes per batch, fsync on`);
  console.log(`  protobuf batch ${(protoBodies[0]!.length / 1024).toFixed(0)} KiB, JSON batch ${(jsonBodies[0]!.length / 1024).toFixed(0)} KiB\n`);

  const dataDir = await tempDir('prodlens-bench-');
  const collector = await startChild([path.resolve(__dirname, '../cli.js'), 'collector', '--port', '0', '--grpc-port', '0', '--data-dir', dataDir, '--token', 'bench', '--max-spool-mb', '8192'], /http=(\S+)/);
  const results: Phase[] = [];
  try {
    results.push(await load('collector, protobuf', `${collector.url}/v1/traces`, protoBodies, 'application/x-protobuf', collector.child));
    results.push(await load('collector, JSON', `${collector.url}/v1/traces`, jsonBodies, 'application/json', collector.child, PHASE_MS * 0.6));
    const pull = await pullEverything(collector.url);
    const baseline = await startChild([__filename, '--baseline-server'], /baseline=(\S+)/);
    try {
      results.push(await load('baseline: full protobufjs decode', `${baseline.url}/v1/traces`, protoBodies, 'application/x-protobuf', baseline.child));
    } finally {
      baseline.child.kill('SIGTERM');
    }
    print(results, pull);
  } finally {
    collector.child.kill('SIGTERM');
    await new Promise((r) => collector.child.once('exit', r));
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** 512 spans with the ten attributes an instrumented HTTP handler typically carries. */
function realisticSpans(batch: number): SyntheticSpan[] {
  return syntheticSpans(SPANS, 0).map((span, i) => ({
    ...span,
    name: `GET /api/orders/:id`,
    attributes: {
      'http.method': 'GET',
      'http.url': `https://shop.example.com/api/orders/${batch * SPANS + i}?expand=items,customer`,
      'http.route': '/api/orders/:id',
      'http.status_code': i % 50 === 0 ? 500 : 200,
      'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      'net.peer.ip': `10.0.${batch}.${i % 250}`,
      'net.peer.port': 40000 + i,
      'code.function.name': 'OrderController.show',
      'code.file.path': '/app/dist/controllers/order-controller.js',
      'enduser.id': `user-${(i * 7919) % 100000}`,
    },
  }));
}

async function startChild(args: string[], ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = ready.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
  return { child, url };
}

/** Sends bodies from CLIENTS concurrent loops for `ms` and measures what was answered 200. */
async function load(name: string, url: string, bodies: Buffer[], contentType: string, child: ChildProcess, ms = PHASE_MS): Promise<Phase> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies: number[] = [];
  let bytes = 0;
  let failures = 0;
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssOf(child.pid!))), 200);
  const cpuBefore = cpuSecondsOf(child.pid!);
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = c; performance.now() < deadline; i++) {
        const body = bodies[i % bodies.length]!;
        const t0 = performance.now();
        const status = await post(url, body, contentType, agent);
        if (status === 200) {
          latencies.push(performance.now() - t0);
          bytes += body.length;
        } else failures++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuSecondsOf(child.pid!) - cpuBefore;
  clearInterval(rssTimer);
  peakRss = Math.max(peakRss, peakRssOf(child.pid!));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { name, requests: latencies.length, spans: latencies.length * SPANS, bytes, seconds, p99Ms: q(0.99), p50Ms: q(0.5), peakRssMb: peakRss / 1024, failures, cpuSeconds };
}

function post(url: string, body: Buffer, contentType: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** User + system CPU seconds of a process so far, from /proc (clock ticks of 1/100 s on Linux). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** kB of resident memory now / at peak, from /proc (Linux). */
function rssOf(pid: number): number {
  return procStatus(pid, 'VmRSS');
}
function peakRssOf(pid: number): number {
  return procStatus(pid, 'VmHWM');
}
function procStatus(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function pullEverything(url: string): Promise<{ batches: number; bytes: number; seconds: number }> {
  let cursor: string | undefined;
  let batches = 0;
  let bytes = 0;
  const start = performance.now();
  const agent = new Agent({ keepAlive: true });
  for (;;) {
    const res = await get(`${url}/v1/pull?max=1000${cursor ? `&cursor=${cursor}` : ''}`, agent);
    if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${res.body.toString()}`);
    const frames = decodePullFrames(res.body);
    if (frames.length === 0) break;
    batches += frames.length;
    bytes += frames.reduce((s, b) => s + b.payload.length, 0);
    cursor = res.next;
  }
  agent.destroy();
  return { batches, bytes, seconds: (performance.now() - start) / 1000 };
}

function get(url: string, agent: Agent): Promise<{ status: number; body: Buffer; next: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: 'Bearer bench' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), next: String(res.headers[PULL_HEADERS.nextCursor] ?? '') }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** The comparison receiver: decode every request fully with protobufjs, then discard it. */
function baselineServer(): void {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      otlp.traceRequest.decode(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' });
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`baseline=http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

function print(phases: Phase[], pull: { batches: number; bytes: number; seconds: number }): void {
  const rows = phases.map((p) => [
    p.name,
    Math.round(p.spans / p.seconds).toLocaleString('en-US'),
    (p.bytes / p.seconds / 1024 / 1024).toFixed(1),
    p.p50Ms.toFixed(1),
    p.p99Ms.toFixed(1),
    p.peakRssMb.toFixed(0),
    String(p.failures),
    Math.round(p.spans / p.cpuSeconds).toLocaleString('en-US'),
  ]);
  const header = ['phase', 'spans/s', 'MB/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'non-200', 'spans/CPU-s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const proto = phases[0]!;
  const base = phases[phases.length - 1]!;
  const ingestRate = proto.spans / proto.seconds;
  const pullSpans = (pull.batches * SPANS) / pull.seconds;
  console.log(`\npull: ${pull.batches} batches (${(pull.bytes / 1024 / 1024).toFixed(0)} MB) in ${pull.seconds.toFixed(2)} s = ${Math.round(pullSpans).toLocaleString('en-US')} spans/s, ${(pull.bytes / 1024 / 1024 / pull.seconds).toFixed(0)} MB/s`);
  console.log(`protobuf ingest / full-decode baseline: ${(ingestRate / (base.spans / base.seconds)).toFixed(2)}× in spans/s (both bounded by the clients sharing the 2 cores), ${(proto.spans / proto.cpuSeconds / (base.spans / base.cpuSeconds)).toFixed(2)}× in spans per receiver CPU-second`);
  console.log(`pull / protobuf ingest: ${(pullSpans / ingestRate).toFixed(1)}×`);
  console.log(`targets: ingest ≥ 100,000 spans/s ${ingestRate >= 100_000 ? 'met' : 'NOT met'}; ≥ 2× baseline ${ingestRate >= 2 * (base.spans / base.seconds) ? 'met' : 'NOT met'}; pull ≥ ingest ${pullSpans >= ingestRate ? 'met' : 'NOT met'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
