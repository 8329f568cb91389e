/**
 * The collector as one object: `startCollector(options)` opens the spool and the deploy log,
 * starts OTLP/HTTP (with the pull, deploy, health and metrics endpoints) and OTLP/gRPC, and
 * returns a handle whose `close()` shuts everything down in order without losing what was
 * acknowledged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { BearerAuth } from './auth';
import { DeployStore } from './deploys';
import { BadRequestError, refusalFor } from './errors';
import { readBody } from './limits';
import { CollectorMetrics } from './metrics';
import { handleExport, send, sendRefusal, type ExportContext } from './otlp-http';
import { startGrpc, stopGrpc } from './otlp-grpc';
import { handlePull } from './pull';
import { Spool } from './spool';

export interface CollectorOptions {
  dataDir: string;
  /** Required on pull and deploy endpoints. */
  token: string;
  /** When set, ingest (HTTP and gRPC) requires this bearer token too. */
  ingestToken?: string;
  host?: string;
  /** 0 picks a free port. */
  httpPort?: number;
  /** 0 picks a free port; null turns gRPC off. */
  grpcPort?: number | null;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  maxAttributeCount?: number;
  maxAttributeValueBytes?: number;
  maxSpoolBytes?: number;
  segmentBytes?: number;
  retentionMs?: number;
  fsync?: boolean;
  log?: (message: string) => void;
}

export interface Collector {
  /** e.g. `http://127.0.0.1:4318` */
  httpUrl: string;
  /** `host:port`, or null when gRPC is off. */
  grpcAddress: string | null;
  dataDir: string;
  close(): Promise<void>;
}

interface Context extends ExportContext {
  deploys: DeployStore;
  auth: BearerAuth;
  ingestAuth: BearerAuth | null;
  closing: AbortController;
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((m: string) => process.stderr.write(`prodlens collector: ${m}\n`));
  const spool = await Spool.open({
    dir: path.join(options.dataDir, 'spool'),
    maxBytes: options.maxSpoolBytes,
    segmentBytes: options.segmentBytes,
    retentionMs: options.retentionMs,
    fsync: options.fsync,
    log,
  });
  const deploys = await DeployStore.open(path.join(options.dataDir, 'deploys.jsonl'), log).catch(async (err: unknown) => {
    await spool.close();
    throw err;
  });
  const maxDecompressedBytes = options.maxDecompressedBytes ?? 64 * 1024 * 1024;
  const ctx: Context = {
    spool,
    deploys,
    metrics: new CollectorMetrics(),
    attributeLimits: { maxCount: options.maxAttributeCount ?? 128, maxValueBytes: options.maxAttributeValueBytes ?? 16 * 1024 },
    bodyLimits: { maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024, maxDecompressedBytes },
    auth: new BearerAuth(options.token),
    ingestAuth: options.ingestToken ? new BearerAuth(options.ingestToken) : null,
    closing: new AbortController(),
  };
  const inflight = new Set<Promise<void>>();
  const http = createServer((req, res) => {
    const done = route(ctx, req, res).catch((err: unknown) => {
      log(`unexpected failure on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`);
      sendRefusal(res, refusalFor(err), 'text');
    });
    inflight.add(done);
    void done.finally(() => inflight.delete(done));
  });
  http.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  let grpcServer: grpc.Server | null = null;
  let grpcPort: number | null = null;
  try {
    await listen(http, host, options.httpPort ?? 4318);
    if (options.grpcPort !== null) {
      const started = await startGrpc(ctx, { host, port: options.grpcPort ?? 4317, maxMessageBytes: maxDecompressedBytes, ingestAuth: ctx.ingestAuth });
      grpcServer = started.server;
      grpcPort = started.port;
    }
  } catch (err) {
    http.close();
    await Promise.all([spool.close(), deploys.close()]);
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    httpUrl: `http://${urlHost}:${port}`,
    grpcAddress: grpcPort === null ? null : `${urlHost}:${grpcPort}`,
    dataDir: options.dataDir,
    close: () => (closed ??= shutdown(ctx, http, grpcServer, inflight)),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stop accepting, answer long-polls, finish in-flight batches, then close the files. */
async function shutdown(ctx: Context, http: Server, grpcServer: grpc.Server | null, inflight: Set<Promise<void>>): Promise<void> {
  const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeIdleConnections();
  ctx.closing.abort();
  await Promise.all([...inflight]);
  http.closeAllConnections();
  await stopped;
  if (grpcServer) await stopGrpc(grpcServer);
  await ctx.spool.close();
  await ctx.deploys.close();
}

const INGEST: Record<string, 'traces' | 'logs'> = { '/v1/traces': 'traces', '/v1/logs': 'logs' };
const ALLOWED: Record<string, string> = {
  '/v1/traces': 'POST',
  '/v1/logs': 'POST',
  '/v1/pull': 'GET',
  '/v1/deploys': 'GET, POST',
  '/healthz': 'GET',
  '/metrics': 'GET',
};

async function route(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://collector');
  const allowed = ALLOWED[url.pathname];
  const method = req.method ?? 'GET';
  if (!allowed) return refuse(ctx, req, res, 404, 'not_found', `no such endpoint: ${url.pathname}; the collector serves ${Object.keys(ALLOWED).join(', ')}`);
  if (!allowed.split(', ').includes(method) && !(method === 'HEAD' && allowed.includes('GET'))) {
    res.setHeader('allow', allowed);
    return refuse(ctx, req, res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; use ${allowed}`);
  }
  const signal = INGEST[url.pathname];
  if (signal) {
    if (ctx.ingestAuth && !ctx.ingestAuth.check(req.headers.authorization)) return unauthorized(ctx, req, res);
    return handleExport(ctx, signal, req, res);
  }
  if (url.pathname === '/healthz') return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
  if (url.pathname === '/metrics') return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', ctx.metrics.render(ctx.spool.stats()));
  if (!ctx.auth.check(req.headers.authorization)) return unauthorized(ctx, req, res);
  try {
    if (url.pathname === '/v1/pull') return await handlePull({ ...ctx, closing: ctx.closing.signal, maxResponseBytes: 32 * 1024 * 1024 }, req, res, url.searchParams);
    if (method === 'GET') {
      const filter = { service: url.searchParams.get('service') ?? undefined, environment: url.searchParams.get('environment') ?? undefined };
      return send(res, 200, 'application/json', JSON.stringify({ deploys: ctx.deploys.list(filter) }));
    }
    const marker = await ctx.deploys.add(parseJson(await readBody(req, { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 64 * 1024 })));
    return send(res, 201, 'application/json', JSON.stringify(marker));
  } catch (err) {
    const refusal = refusalFor(err);
    ctx.metrics.noteRejected(refusal.reason);
    sendRefusal(res, refusal, 'json');
    req.resume();
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new BadRequestError(`the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function refuse(ctx: Context, req: IncomingMessage, res: ServerResponse, status: number, reason: 'not_found' | 'method_not_allowed' | 'unauthorized', message: string): void {
  ctx.metrics.noteRejected(reason);
  req.resume();
  sendRefusal(res, { httpStatus: status, grpcCode: 5, reason, message }, 'text');
}

function unauthorized(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('www-authenticate', 'Bearer realm="prodlens"');
  refuse(ctx, req, res, 401, 'unauthorized', 'missing or wrong bearer token: send "Authorization: Bearer <token>" with the collector\'s token');
}
