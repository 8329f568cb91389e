/**
 * `npm run demo`: the collector's main job end to end. A collector starts on 127.0.0.1 (port 0,
 * temp dir); a small "checkout" service instrumented with the real OpenTelemetry SDK sends spans
 * over OTLP/HTTP protobuf; then everything is pulled back through the pull API and summarised.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startCollector } from '../collector/server';
import { otlp } from '../collector/otlp-root';
import { PULL_HEADERS, decodePullFrames, type PulledBatch } from '../protocol/collector';

const ROUTES = ['GET /orders/:id', 'POST /checkout', 'GET /cart'];

async function generate(collectorUrl: string): Promise<number> {
  const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': 'checkout', 'service.version': '1.0.0' }) });
  provider.addSpanProcessor(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collectorUrl}/v1/traces` }), { maxExportBatchSize: 100, scheduledDelayMillis: 10 }));
  const tracer = provider.getTracer('demo-generator');
  let sent = 0;
  for (let i = 0; i < 300; i++) {
    const route = ROUTES[i % ROUTES.length]!;
    tracer.startActiveSpan(route, { attributes: { 'http.route': route.split(' ')[1], 'code.function.name': `handler${i % 3}` } }, (span) => {
      const child = tracer.startSpan('db.query', { attributes: { 'db.system': 'postgresql' } });
      child.end();
      if (i % 17 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
      span.end();
      sent += 2;
    });
  }
  await provider.shutdown(); // flushes every pending batch
  return sent;
}

async function pullEverything(url: string, token: string): Promise<PulledBatch[]> {
  const batches: PulledBatch[] = [];
  let cursor = '';
  for (;;) {
    const res = await fetch(`${url}/v1/pull?max=1000${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`pull answered ${res.status}: ${await res.text()}`);
    const frames = decodePullFrames(new Uint8Array(await res.arrayBuffer()));
    if (frames.length === 0) return batches;
    batches.push(...frames);
    cursor = res.headers.get(PULL_HEADERS.nextCursor) ?? cursor;
  }
}

function summarise(batches: PulledBatch[]): void {
  const counts = new Map<string, { spans: number; errors: number }>();
  let bytes = 0;
  for (const batch of batches) {
    bytes += batch.payload.length;
    const request = otlp.traceRequest.toObject(otlp.traceRequest.decode(batch.payload), { arrays: true }) as {
      resourceSpans: Array<{ resource?: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: Array<{ name: string; status?: { code?: number } }> }> }>;
    };
    for (const rs of request.resourceSpans) {
      const service = rs.resource?.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      for (const span of rs.scopeSpans.flatMap((s) => s.spans)) {
        const key = `${service}  ${span.name}`;
        const c = counts.get(key) ?? { spans: 0, errors: 0 };
        c.spans++;
        if (span.status?.code === 2) c.errors++;
        counts.set(key, c);
      }
    }
  }
  console.log(`pulled ${batches.length} batches (cursors ${batches[0]?.seq}…${batches.at(-1)?.seq}), ${bytes} bytes of OTLP protobuf\n`);
  console.log('service   span name          spans  errors');
  for (const [key, c] of [...counts].sort()) {
    const [service, name] = key.split('  ');
    console.log(`${service!.padEnd(9)} ${name!.padEnd(18)} ${String(c.spans).padStart(5)}  ${String(c.errors).padStart(6)}`);
  }
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'prodlens-demo-'));
  const token = randomBytes(16).toString('hex');
  const collector = await startCollector({ dataDir, token, httpPort: 0, grpcPort: 0 });
  try {
    console.log(`collector listening on ${collector.httpUrl} (gRPC ${collector.grpcAddress}), spool in ${dataDir}`);
    const sent = await generate(collector.httpUrl);
    console.log(`generator sent ${sent} spans with the OpenTelemetry SDK (OTLP/HTTP protobuf)`);
    summarise(await pullEverything(collector.httpUrl, token));
  } finally {
    await collector.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  console.log('\ncollector shut down cleanly');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
