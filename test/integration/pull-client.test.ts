import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { startCollector, type Collector, type CollectorOptions } from '../../collector/server';
import { PullClient } from '../../language-server/ingest/pull-client';
import { decodeFrames } from '../../language-server/ingest/decode';
import {
  CollectorHttpError,
  CollectorUnauthorizedError,
  CollectorUnreachableError,
  PullAbortedError,
  PullMalformedError,
} from '../../language-server/ingest/pull-errors';

const TOKEN = 'client-test-token';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function collectorWith(options: Partial<CollectorOptions> = {}): Promise<Collector> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'prodlens-pull-client-'));
  const collector = await startCollector({ dataDir, token: TOKEN, httpPort: 0, grpcPort: null, fsync: false, log: () => undefined, ...options });
  cleanups.push(async () => {
    await collector.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  return collector;
}

/** Sends each name as its own OTLP request, so each becomes its own batch. */
async function exportBatches(collector: Collector, names: string[]): Promise<void> {
  const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': 'client-test' }) });
  provider.addSpanProcessor(new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.httpUrl}/v1/traces` })));
  for (const name of names) {
    provider.getTracer('t').startSpan(name).end();
    await provider.forceFlush();
  }
  await provider.shutdown();
}

describe('PullClient against a real collector', () => {
  it('pulls framed batches with cursors and decodes them', async () => {
    const collector = await collectorWith();
    await exportBatches(collector, ['one', 'two', 'three']);
    const client = new PullClient({ url: collector.httpUrl, token: TOKEN });

    const all = await client.pull({ max: 2 });
    expect(all.frames.map((f) => f.kind)).toEqual(['traces', 'traces']);
    expect(all.nextCursor).toBe(String(all.frames[1]?.seq));
    expect(all.headCursor).toBe(String(Number(all.nextCursor) + 1));
    expect(all.oldestCursor).toBe(String(all.frames[0]?.seq));
    expect(all.gap).toBeUndefined();
    expect(decodeFrames(all.frames).spans.map((s) => s.name)).toEqual(['one', 'two']);

    const rest = await client.pull({ cursor: all.nextCursor });
    expect(decodeFrames(rest.frames).spans.map((s) => s.name)).toEqual(['three']);
    const empty = await client.pull({ cursor: rest.nextCursor });
    expect(empty).toEqual({ frames: [], nextCursor: rest.nextCursor, headCursor: rest.nextCursor, oldestCursor: all.oldestCursor });
  });

  it('reports the batches retention removed as a gap', async () => {
    // One batch per segment and room for only a few, so reading past old batches lets new ones evict them.
    const collector = await collectorWith({ segmentBytes: 1, maxSpoolBytes: 3000 });
    const client = new PullClient({ url: collector.httpUrl, token: TOKEN });
    await exportBatches(collector, ['old1', 'old2', 'old3']);
    const read = await client.pull({ cursor: '0' });
    await client.pull({ cursor: read.nextCursor });
    await exportBatches(collector, Array.from({ length: 12 }, (_, i) => `new${i}`));

    const fromStart = await client.pull({ cursor: '0', max: 1000 });
    expect(fromStart.gap).toBeDefined();
    expect(fromStart.gap?.from).toBe('1');
    expect(BigInt(fromStart.gap!.to) + 1n).toBe(fromStart.frames[0]?.seq);
    expect(fromStart.oldestCursor).toBe(String(fromStart.frames[0]?.seq));
  });

  it('answers a wrong or missing token with CollectorUnauthorizedError saying how to set it', async () => {
    const collector = await collectorWith();
    const wrong = await new PullClient({ url: collector.httpUrl, token: 'nope' }).pull().catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(CollectorUnauthorizedError);
    expect((wrong as CollectorUnauthorizedError).status).toBe(401);
    expect((wrong as Error).message).toContain('refused the pull token (HTTP 401)');
    expect((wrong as Error).message).toContain('--token or PRODLENS_TOKEN');
    const missing = await new PullClient({ url: collector.httpUrl }).pull().catch((e: unknown) => e);
    expect((missing as Error).message).toContain('refused a pull without a token');
  });

  it("carries the collector's own message on other HTTP errors", async () => {
    const collector = await collectorWith();
    const error = await new PullClient({ url: collector.httpUrl, token: TOKEN }).pull({ cursor: '42' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorHttpError);
    expect((error as CollectorHttpError).status).toBe(409);
    expect((error as CollectorHttpError).serverMessage).toContain('cursor 42 is ahead of the newest batch 0');
  });

  it('names the cause when nothing listens', async () => {
    const collector = await collectorWith();
    await collector.close();
    const error = await new PullClient({ url: collector.httpUrl, token: TOKEN }).pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorUnreachableError);
    expect((error as Error).message).toBe(
      `collector ${collector.httpUrl} unreachable: ECONNREFUSED; check that it runs (prodlens collector) and the URL is right`,
    );
  });

  it('aborts a long-poll when the signal fires', async () => {
    const collector = await collectorWith();
    const client = new PullClient({ url: collector.httpUrl, token: TOKEN });
    const controller = new AbortController();
    const pending = client.pull({ cursor: '0', waitMs: 30_000, signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(await pending).toBeInstanceOf(PullAbortedError);
  });

  it('rejects an answer from something that is not a Prodlens collector', async () => {
    // A wrong URL that points at some other web server is a real misconfiguration.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>welcome</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const error = await new PullClient({ url, token: TOKEN }).pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PullMalformedError);
    expect((error as Error).message).toContain('content type "text/html", expected application/vnd.prodlens.batches');
  });
});
