/**
 * One request through Fastify or NestJS produces a SERVER span (mapped by `http.route`) and an
 * INTERNAL handler span inside it naming the same function. Real SDK spans, a real collector and
 * a real engine, pulled one collector batch at a time so the handler spans (which end first) are
 * ingested before their server spans: each request must count once, with the server span latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../protocol/settings';
import { openEngine, type Engine } from '../../language-server/engine';
import { decodeFrames } from '../../language-server/ingest/decode';
import { PullClient } from '../../language-server/ingest/pull-client';
import { startTestCollector, type TestCollector } from '../support/collector';
import { fastifyHandler, nestHandler, nodeHttpServer, times } from '../support/instrumentation-shapes';
import { sendSpans } from '../support/otel';

const fastifyNest = path.resolve(__dirname, '../fixtures/workspaces/node-fastify-nest');

let collector: TestCollector | undefined;
let engine: Engine | undefined;
let dir: string | undefined;
afterEach(async () => {
  await engine?.close();
  await collector?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  engine = collector = dir = undefined;
});

/** Pulls one collector batch per ingest until the collector has nothing newer; returns the number of ingests. */
async function ingestOneBatchAtATime(e: Engine, c: TestCollector): Promise<number> {
  const client = new PullClient({ url: c.httpUrl, token: c.token });
  let batches = 0;
  for (;;) {
    const pulled = await client.pull({ cursor: e.store.cursor(), max: 1, waitMs: 0 });
    if (pulled.frames.length === 0) return batches;
    const decoded = decodeFrames(pulled.frames);
    e.ingest(pulled.nextCursor, decoded.spans, decoded.logs);
    batches++;
  }
}

describe('a handler span inside the server span of the same function', () => {
  it('counts each Fastify and NestJS request once, with the server span latency, across batches', async () => {
    collector = await startTestCollector();
    const fastify = nodeHttpServer({ method: 'PATCH', route: '/v1/orders/:id', semconv: 'new', durationMs: 40 });
    fastify.children = [fastifyHandler({ plugin: 'ordersRoutes', handler: 'updateOrder', route: '/v1/orders/:id', method: 'PATCH', durationMs: 10 })];
    const nest = nodeHttpServer({ method: 'GET', route: '/api/orders/:id', durationMs: 30 });
    nest.children = [nestHandler({ controller: 'OrdersController', callback: 'findOne', route: '/api/orders/:id', method: 'GET', durationMs: 5 })];
    // One span per OTLP request: every span is its own collector batch, children first.
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop-node', version: '1.0.0', environment: 'production', batchSize: 1 }, [...times(3, fastify), ...times(2, nest)]);

    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-nested-'));
    engine = await openEngine({ root: fastifyNest, settings: { ...DEFAULT_SETTINGS, collectorUrl: collector.httpUrl }, token: collector.token, dbFile: path.join(dir, 'store.db'), pullInBackground: false });
    expect(await ingestOneBatchAtATime(engine, collector)).toBe(10);

    const stats = engine.allFunctionStats();
    const update = stats.find((f) => f.symbol === 'updateOrder');
    const findOne = stats.find((f) => f.symbol === 'OrdersController.findOne');
    expect(update).toMatchObject({ requests: 3, errors: 0 });
    expect(findOne).toMatchObject({ requests: 2 });
    expect(update!.p50Ms).toBeGreaterThan(38);
    expect(findOne!.p50Ms).toBeGreaterThan(28);
    expect(update!.mappedBy).toContain('http.route');
  });
});
