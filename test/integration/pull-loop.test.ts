import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { context, trace } from '@opentelemetry/api';
import { startCollector, type Collector } from '../../collector/server';
import { PullClient } from '../../language-server/ingest/pull-client';
import { PullLoop, type PulledBatch, type PullLoopState, type PullLoopStatus } from '../../language-server/ingest/pull-loop';
import { decodeFrames } from '../../language-server/ingest/decode';
import type { LogException, SpanRecord } from '../../language-server/ingest/span';

const TOKEN = 'pull-test-token';
const resource = new Resource({ 'service.name': 'orders', 'service.version': '1.0.0', 'deployment.environment.name': 'test' });

/** Records what a loop reports and lets a test wait for a condition on it, checked on every report. */
class Observer {
  readonly batches: PulledBatch[] = [];
  readonly states: PullLoopStatus[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  readonly onBatch = (batch: PulledBatch): void => {
    this.batches.push(batch);
    this.wake();
  };

  readonly onState = (status: PullLoopStatus): void => {
    this.states.push(status);
    this.wake();
  };

  /** The pulled frames decoded, as the store decodes them. */
  get spans(): SpanRecord[] {
    return this.batches.flatMap((b) => decodeFrames(b.frames).spans);
  }

  get logs(): LogException[] {
    return this.batches.flatMap((b) => decodeFrames(b.frames).logs);
  }

  get spanNames(): string[] {
    return this.spans.map((s) => s.name);
  }

  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  untilState(state: PullLoopState, after = 0): Promise<PullLoopStatus> {
    const find = (): PullLoopStatus | undefined => this.states.slice(after).find((s) => s.state === state);
    return this.until(() => find() !== undefined).then(() => find()!);
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

async function exportSpans(collector: Collector, names: string[]): Promise<string[]> {
  const provider = new BasicTracerProvider({ resource });
  provider.addSpanProcessor(new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.httpUrl}/v1/traces` })));
  const ids: string[] = [];
  for (const name of names) {
    const span = provider.getTracer('pull-test').startSpan(name);
    if (name.startsWith('fail')) span.recordException(new Error(`${name} broke`));
    ids.push(span.spanContext().spanId);
    span.end();
  }
  await provider.shutdown();
  return ids;
}

function loopFor(collector: Collector, observer: Observer, cursor: string | null, token = TOKEN): PullLoop {
  return new PullLoop({
    client: new PullClient({ url: collector.httpUrl, token }),
    cursor,
    onBatch: observer.onBatch,
    onState: observer.onState,
    waitMs: 30_000,
    backoff: { initialMs: 20, maxMs: 200 },
  });
}

let dataDir: string;
let collector: Collector;
const loops: PullLoop[] = [];

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'prodlens-pull-'));
  collector = await startCollector({ dataDir, token: TOKEN, httpPort: 0, grpcPort: null, fsync: false, log: () => undefined });
});

afterEach(async () => {
  await Promise.all(loops.splice(0).map((loop) => loop.stop()));
  await collector.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('PullLoop against a real collector', () => {
  it('is idle on an empty collector, then delivers what the SDK proto exporter sent, exactly', async () => {
    const observer = new Observer();
    const loop = loopFor(collector, observer, null);
    loops.push(loop);
    void loop.start();
    const idle = await observer.untilState('idle');
    expect(idle.detail).toContain('no telemetry has arrived yet');

    const ids = await exportSpans(collector, ['OrderService.place', 'fail.charge']);
    await observer.until(() => observer.spanNames.length >= 2);
    await observer.untilState('connected');
    const spans = observer.spans;
    expect(spans.map((s) => s.spanId).sort()).toEqual([...ids].sort());
    expect(spans.every((s) => s.service === 'orders' && s.version === '1.0.0' && s.environment === 'test')).toBe(true);
    expect(spans.find((s) => s.name === 'fail.charge')?.exceptions[0]?.message).toBe('fail.charge broke');
    expect(loop.position).toBe(observer.batches.at(-1)?.cursor);
  });

  it('delivers exception log records sent by the SDK log exporter', async () => {
    const observer = new Observer();
    const loop = loopFor(collector, observer, null);
    loops.push(loop);
    void loop.start();
    const provider = new LoggerProvider({ resource });
    provider.addLogRecordProcessor(new SimpleLogRecordProcessor(new OTLPLogExporter({ url: `${collector.httpUrl}/v1/logs` })));
    const span = new BasicTracerProvider({ resource }).getTracer('t').startSpan('OrderService.place');
    provider.getLogger('t').emit({
      context: trace.setSpan(context.active(), span),
      attributes: { 'exception.type': 'StockError', 'exception.message': 'sku 7 is gone' },
    });
    await provider.shutdown();
    await observer.until(() => observer.logs.length > 0);
    const [log] = observer.logs;
    expect(log?.spanId).toBe(span.spanContext().spanId);
    expect(log?.traceId).toBe(span.spanContext().traceId);
    expect(log?.exception).toEqual({ type: 'StockError', message: 'sku 7 is gone', stacktrace: '', source: 'log' });
  });

  it('stops promptly during a long-poll and resumes from the given cursor without repeats', { timeout: 20_000 }, async () => {
    const first = new Observer();
    const loopA = loopFor(collector, first, null);
    void loopA.start();
    await exportSpans(collector, ['a1', 'a2']);
    await first.until(() => first.spanNames.length === 2);
    await first.untilState('connected');
    // The loop is now in a 30 s long-poll; stop() must abort it rather than wait it out (the test's
    // 20 s timeout fails otherwise).
    await loopA.stop();
    const committed = loopA.position;
    expect(committed).not.toBeNull();

    await exportSpans(collector, ['b1', 'b2', 'b3']);
    const second = new Observer();
    const loopB = loopFor(collector, second, committed);
    loops.push(loopB);
    void loopB.start();
    await second.until(() => second.spanNames.length >= 3);
    await second.untilState('connected');
    expect(second.spanNames.sort()).toEqual(['b1', 'b2', 'b3']);
    expect(first.spanNames.sort()).toEqual(['a1', 'a2']);
  });

  it('reports unauthorized with a wrong token and says how to set it', async () => {
    const observer = new Observer();
    const loop = loopFor(collector, observer, null, 'wrong-token');
    loops.push(loop);
    void loop.start();
    const status = await observer.untilState('unauthorized');
    expect(status.detail).toContain('HTTP 401');
    expect(status.detail).toContain('PRODLENS_TOKEN');
    expect(observer.batches).toEqual([]);
  });

  it('reports unreachable while the collector is down and recovers when it is back', async () => {
    const observer = new Observer();
    const loop = loopFor(collector, observer, null);
    loops.push(loop);
    void loop.start();
    await exportSpans(collector, ['before']);
    await observer.until(() => observer.spanNames.includes('before'));
    const port = Number(new URL(collector.httpUrl).port);

    await collector.close();
    const down = await observer.untilState('unreachable');
    expect(down.detail).toMatch(/unreachable: (ECONNREFUSED|ECONNRESET|other side closed)/);

    const seen = observer.states.length;
    collector = await startCollector({ dataDir, token: TOKEN, httpPort: port, grpcPort: null, fsync: false, log: () => undefined });
    await exportSpans(collector, ['after']);
    await observer.until(() => observer.spanNames.includes('after'));
    await observer.untilState('connected', seen);
    expect(observer.spanNames).toEqual(['before', 'after']);
  });

  it('starts over from the oldest batch when the collector does not know the cursor', async () => {
    await exportSpans(collector, ['fresh']);
    const observer = new Observer();
    const loop = loopFor(collector, observer, '999');
    loops.push(loop);
    void loop.start();
    await observer.until(() => observer.spanNames.includes('fresh'));
    expect(observer.batches[0]?.cursorReset).toBe('999');
    expect(observer.states.some((s) => s.state === 'connecting' && s.detail.includes('does not know cursor 999'))).toBe(true);
  });

  it('reports how many batches it is behind while catching up, then connected', async () => {
    for (const name of ['c1', 'c2', 'c3', 'c4', 'c5']) await exportSpans(collector, [name]);
    const observer = new Observer();
    const loop = new PullLoop({
      client: new PullClient({ url: collector.httpUrl, token: TOKEN }),
      cursor: null,
      maxBatches: 2,
      onBatch: observer.onBatch,
      onState: observer.onState,
    });
    loops.push(loop);
    void loop.start();
    await observer.until(() => observer.spanNames.length === 5);
    await observer.untilState('connected');
    expect(observer.states.filter((s) => s.state === 'behind').map((s) => s.behindBatches)).toEqual([3, 1]);
    expect(observer.batches.map((b) => b.frames.length)).toEqual([2, 2, 1]);
    expect(observer.spanNames).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('hands the store the gap when retention removed batches it never pulled', async () => {
    const small = await startCollector({
      dataDir: await fs.mkdtemp(path.join(os.tmpdir(), 'prodlens-pull-gap-')),
      token: TOKEN,
      httpPort: 0,
      grpcPort: null,
      fsync: false,
      segmentBytes: 1,
      maxSpoolBytes: 3000,
      log: () => undefined,
    });
    try {
      for (const name of ['old1', 'old2', 'old3']) await exportSpans(small, [name]);
      // Another puller reads past the old batches, which lets the collector evict them for new ones.
      const reader = new PullClient({ url: small.httpUrl, token: TOKEN });
      await reader.pull({ cursor: (await reader.pull({ cursor: '0' })).nextCursor });
      // Send new batches until the collector has evicted the first one (it keeps unread batches).
      let sent = 0;
      while ((await reader.pull({ cursor: '0', max: 1 })).gap === undefined) {
        if (sent === 30) throw new Error('the collector never evicted the read batches');
        await exportSpans(small, [`new${sent++}`]);
      }
      const observer = new Observer();
      const loop = loopFor(small, observer, '0');
      loops.push(loop);
      void loop.start();
      await observer.until(() => observer.spanNames.includes(`new${sent - 1}`));
      const gap = observer.batches[0]?.gap;
      expect(gap?.from).toBe('1');
      expect(observer.spanNames).not.toContain('old1');
      await loop.stop();
    } finally {
      await small.close();
      await fs.rm(small.dataDir, { recursive: true, force: true });
    }
  });
});
