/**
 * Helpers for tests that need a collector: one in-process on port 0 in a fresh temp dir, or one
 * as a real child process (`node dist/cli.js collector`), and a puller that drains it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { PULL_HEADERS, decodePullFrames, type PulledBatch } from '../../protocol/collector';
import { otlp } from '../../collector/otlp-root';
import { startCollector, type Collector, type CollectorOptions } from '../../collector/server';

export type { PulledBatch };

export async function tempDir(prefix = 'prodlens-collector-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface TestCollector extends Collector {
  token: string;
  /** Closes the collector (if still open) and removes its data dir. */
  dispose(): Promise<void>;
}

/** Starts a collector in this process on 127.0.0.1, ports 0, in a new temp dir (or `dataDir`). */
export async function startTestCollector(opts: Partial<CollectorOptions> = {}): Promise<TestCollector> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const token = opts.token ?? randomBytes(16).toString('hex');
  const collector = await startCollector({ httpPort: 0, grpcPort: 0, log: () => undefined, ...opts, dataDir, token });
  return {
    ...collector,
    token,
    dispose: async () => {
      await collector.close();
      if (!opts.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const CLI = path.resolve(__dirname, '../../dist/cli.js');
/** The bundled raw writer thread (`node esbuild.mjs` builds it), for engines run from sources. */
export const RAW_WORKER = path.resolve(__dirname, '../../dist/raw-worker.js');

export interface SpawnedCollector {
  httpUrl: string;
  grpcAddress: string;
  dataDir: string;
  token: string;
  child: ChildProcess;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const READY = /^prodlens collector listening http=(\S+) grpc=(\S+) data=(.+)$/;

/** Runs `node dist/cli.js collector --port 0 --grpc-port 0 …` and resolves once it prints its ready line. */
export async function spawnCollector(opts: { dataDir: string; token?: string; args?: string[] }): Promise<SpawnedCollector> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run "node esbuild.mjs" first`);
  const token = opts.token ?? randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [CLI, 'collector', '--port', '0', '--grpc-port', '0', '--data-dir', opts.dataDir, '--token', token, ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = READY.exec(line);
      if (m) resolve(m);
    });
    void exited.then(({ code, signal }) => reject(new Error(`collector exited (code ${code}, signal ${signal}) before it was ready:\n${stderr}`)));
  });
  return {
    httpUrl: ready[1]!,
    grpcAddress: ready[2]!,
    dataDir: ready[3]!,
    token,
    child,
    stderr: () => stderr,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface PullResponse {
  status: number;
  batches: PulledBatch[];
  next: string | null;
  gap: string | null;
  headers: Headers;
  text: string;
}

/** One `GET /v1/pull`. */
export async function pullOnce(httpUrl: string, token: string, query: { cursor?: string; max?: number; wait?: number } = {}): Promise<PullResponse> {
  const search = new URLSearchParams();
  if (query.cursor !== undefined) search.set('cursor', query.cursor);
  if (query.max !== undefined) search.set('max', String(query.max));
  if (query.wait !== undefined) search.set('wait', String(query.wait));
  const res = await fetch(`${httpUrl}/v1/pull?${search}`, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    batches: res.status === 200 ? decodePullFrames(body) : [],
    next: res.headers.get(PULL_HEADERS.nextCursor),
    gap: res.headers.get(PULL_HEADERS.gap),
    headers: res.headers,
    text: res.status === 200 ? '' : body.toString('utf8'),
  };
}

/** Pulls until nothing is left and returns every batch after `cursor` plus the final cursor. */
export async function pullAll(httpUrl: string, token: string, cursor?: string): Promise<{ batches: PulledBatch[]; next: string | undefined }> {
  const batches: PulledBatch[] = [];
  let next = cursor;
  for (;;) {
    const res = await pullOnce(httpUrl, token, { cursor: next, max: 1000 });
    if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${res.text}`);
    batches.push(...res.batches);
    next = res.next ?? next;
    if (res.batches.length === 0) return { batches, next };
  }
}

export interface SyntheticSpan {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes?: Record<string, string | number | boolean>;
}

/** Random span ids that are never all zeros. */
export function randomId(bytes: 8 | 16): Buffer {
  const id = randomBytes(bytes);
  id[0] = id[0]! | 1;
  return id;
}

/** `count` well-formed spans, each with `attributeCount` string attributes. */
export function syntheticSpans(count: number, attributeCount = 10, name = 'GET /orders/:id'): SyntheticSpan[] {
  const traceId = randomId(16);
  const base = BigInt(Date.now()) * 1_000_000n;
  return Array.from({ length: count }, (_, i) => ({
    traceId,
    spanId: randomId(8),
    name,
    startNs: base + BigInt(i) * 1000n,
    endNs: base + BigInt(i) * 1000n + 250_000n + BigInt(i),
    attributes: Object.fromEntries(Array.from({ length: attributeCount }, (_, a) => [`attr.${a}`, `value-${a}-${i % 17}`])),
  }));
}

function anyValue(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
}

/** The OTLP/JSON object for `spans` under one resource with `service.name = service`. */
export function traceRequestJson(spans: SyntheticSpan[], service = 'orders'): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'prodlens-test', version: '1.0.0' },
            spans: spans.map((s) => ({
              traceId: s.traceId.toString('hex'),
              spanId: s.spanId.toString('hex'),
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId.toString('hex') } : {}),
              name: s.name,
              kind: 2,
              startTimeUnixNano: s.startNs.toString(),
              endTimeUnixNano: s.endNs.toString(),
              attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
              status: { code: 1 },
            })),
          },
        ],
      },
    ],
  };
}

/** The same request as protobuf bytes, built with the generated OTLP module. */
export function traceRequestProtobuf(spans: SyntheticSpan[], service = 'orders'): Buffer {
  const type = otlp.traceRequest;
  const json = traceRequestJson(spans, service);
  for (const rs of json.resourceSpans as Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          if (typeof span[key] === 'string') span[key] = Buffer.from(span[key] as string, 'hex');
        }
      }
    }
  }
  return Buffer.from(type.encode(type.fromObject(json)).finish());
}

/** Decodes a pulled trace payload into plain objects (longs as strings, bytes as hex-able Buffers). */
export function decodeTraces(payload: Uint8Array): DecodedResourceSpans[] {
  const type = otlp.traceRequest;
  const obj = type.toObject(type.decode(payload), { longs: String, defaults: false, arrays: true }) as { resourceSpans: DecodedResourceSpans[] };
  return obj.resourceSpans;
}

export interface DecodedSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  droppedAttributesCount?: number;
  events: Array<{ name: string; timeUnixNano: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }>;
  status?: { code?: number; message?: string };
}
export interface DecodedResourceSpans {
  resource?: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
  scopeSpans: Array<{ scope?: { name: string }; spans: DecodedSpan[] }>;
}

/** Every span of every trace batch, flattened, with its resource's service.name. */
export function spansOf(batches: PulledBatch[]): Array<DecodedSpan & { service: string }> {
  return batches
    .filter((b) => b.kind === 'traces')
    .flatMap((b) => decodeTraces(b.payload))
    .flatMap((rs) => {
      const service = String(rs.resource?.attributes.find((a) => a.key === 'service.name')?.value['stringValue'] ?? '');
      return rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service })));
    });
}
