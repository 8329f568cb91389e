import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../protocol/model';
import { CLI, startTestCollector, type TestCollector } from '../support/collector';
import { startChild } from '../support/lsp-client';
import { sendSpans, type SpanSpec } from '../support/otel';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../fixtures/workspaces/node-express');

function orders(n: number, durationMs: (i: number) => number): SpanSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: 'GET /api/orders/:id',
    kind: SpanKind.SERVER,
    attributes: { 'http.method': 'GET', 'http.route': '/api/orders/:id' },
    durationMs: durationMs(i),
    ...(i % 50 === 0 ? { error: { message: 'boom', exception: new Error('boom') } } : {}),
  }));
}

async function report(collector: TestCollector, db: string, format = 'json') {
  return run(process.execPath, [CLI, 'report', root, '--source', collector.httpUrl, '--token', collector.token, '--db', db, '--format', format]);
}

describe('prodlens report and prodlens lsp --stdio', () => {
  let collector: TestCollector;
  let dir: string;

  beforeAll(async () => {
    collector = await startTestCollector();
    dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-cli-'));
  });

  afterAll(async () => {
    await collector?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the documented JSON and never counts a span twice', async () => {
    await sendSpans({ collectorUrl: collector.httpUrl, service: 'shop', version: '1' }, orders(200, (i) => 20 + (i % 20)));
    const db = path.join(dir, 'report.db');
    const first = JSON.parse((await report(collector, db)).stdout) as ReportJson;
    const fn = first.functions.find((f) => f.symbol === 'OrderController.get');
    expect(fn).toMatchObject({ file: 'src/controllers/order-controller.ts', requests: 200, errors: 4, mappedBy: ['http.route'] });
    for (const key of ['file', 'symbol', 'line', 'requests', 'errors', 'thrownHere', 'ratePerMin', 'errorRate', 'p50Ms', 'p95Ms', 'p99Ms', 'mappedBy']) {
      expect(fn).toHaveProperty(key);
    }
    expect(fn!.p50Ms).toBeGreaterThan(25);
    expect(fn!.p50Ms).toBeLessThan(35);
    expect(Array.isArray(first.unmapped)).toBe(true);
    // A second run pulls nothing new: the cursor was stored with the spans.
    const second = JSON.parse((await report(collector, db)).stdout) as ReportJson;
    expect(second.functions.find((f) => f.symbol === 'OrderController.get')!.requests).toBe(200);
  });

  it('prints a readable table and markdown', async () => {
    const db = path.join(dir, 'table.db');
    const table = (await report(collector, db, 'table')).stdout;
    expect(table).toMatch(/OrderController\.get\s+src\/controllers\/order-controller\.ts:\d+/);
    const md = (await report(collector, db, 'markdown')).stdout;
    expect(md).toMatch(/^### Production, last 1h: \d+ functions/);
    expect(md).toContain('| OrderController\\.get |');
  });

  it('rejects bad flags with a message that names them', async () => {
    await expect(run(process.execPath, [CLI, 'report', '--format', 'yaml'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format must be table, markdown or json, got "yaml"'),
    });
  });

  it('after the server is killed mid-ingest, a restart counts every span exactly once', async () => {
    const fresh = await startTestCollector();
    try {
      const total = 3000;
      await sendSpans({ collectorUrl: fresh.httpUrl, service: 'shop', version: '1', batchSize: 20 }, orders(total, () => 15));
      const db = path.join(dir, 'killed.db');
      const server = await startChild(CLI, {
        root,
        initializationOptions: { settings: { collectorUrl: fresh.httpUrl }, token: fresh.token, dbFile: db },
      });
      // The first refresh means the first batch is committed; kill while the rest is still coming in.
      await server.nextLensRefresh();
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGKILL');
      await exited;
      const after = JSON.parse((await report(fresh, db)).stdout) as ReportJson;
      expect(after.functions.find((f) => f.symbol === 'OrderController.get')!.requests).toBe(total);
      // The raw spans, written by the raw writer thread with a cursor of their own, are each stored once too.
      const spans = new Database(path.join(dir, 'killed.spans.db'), { readonly: true });
      expect(spans.prepare('SELECT count(*) AS n, count(DISTINCT span_id) AS distinctSpans FROM spans').get()).toEqual({ n: total, distinctSpans: total });
      spans.close();
    } finally {
      await fresh.dispose();
    }
  });
});
