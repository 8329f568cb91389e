// Deploy diff over a real store: ~1M raw spans (traces of an entry span and one function call each,
// over 200 functions and 12 entry routes) ingested through Store.ingestBatch, then the time of
// computeDeployDiff, which reads the rollups and, for the per-function traffic mix, the raw spans.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeDeployDiff } from '../language-server/deploys/deploy-diff';
import type { SymbolExtractor } from '../language-server/index/symbol-extractor';
import type { SpanRecord } from '../language-server/ingest/span';
import { seededRng } from '../language-server/analysis/random';
import { openStore, type IngestBatch, type Store } from '../language-server/store';

const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const FUNCTIONS = 200;
const ROUTES = 12;
const BATCH_TRACES = 5_000;
const MIN = 60_000;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function spanOf(o: { trace: number; span: number; parent: number | null; name: string; kind: number; atMs: number; ms: number; version: string; attributes: SpanRecord['attributes']; error: boolean }): SpanRecord {
  return {
    // Random-looking leading digits, as real trace ids have: the store indexes traces by them.
    traceId: hex(Math.imul(o.trace + 1, 2654435761) >>> 0, 8) + hex(o.trace, 24),
    spanId: hex(o.span, 16),
    parentSpanId: o.parent === null ? null : hex(o.parent, 16),
    name: o.name,
    kind: o.kind,
    startNs: BigInt(Math.round(o.atMs)) * 1_000_000n,
    durationNs: Math.round(o.ms * 1e6),
    statusCode: o.error ? 2 : 0,
    statusMessage: '',
    service: 'shop',
    environment: 'production',
    version: o.version,
    commit: null,
    resource: { 'service.name': 'shop' },
    attributes: o.attributes,
    exceptions: [],
  };
}

/** Half the traces before the deploy (version 1), half after (version 2); route 0 gains share after. */
function fill(store: Store, deployAt: number): number {
  const rng = seededRng(7);
  const traces = SPANS / 2;
  let ingested = 0;
  for (let start = 0; start < traces; start += BATCH_TRACES) {
    const batch: IngestBatch = { cursor: String(start + BATCH_TRACES), spans: [], logs: [] };
    for (let t = start; t < Math.min(traces, start + BATCH_TRACES); t++) {
      const after = t >= traces / 2;
      const atMs = after ? deployAt + ((t - traces / 2) / (traces / 2)) * 20 * MIN : deployAt - 20 * MIN + (t / (traces / 2)) * 20 * MIN;
      const route = after && rng.next() < 0.2 ? 0 : Math.floor(rng.next() * ROUTES);
      const fn = Math.floor(Math.abs(rng.normal()) * FUNCTIONS * 0.3) % FUNCTIONS;
      const ms = (5 + (fn % 50)) * (1 + route * 0.1) * Math.exp(0.4 * rng.normal());
      const version = after ? '2' : '1';
      const entry = spanOf({ trace: t, span: 2 * t + 1, parent: null, name: `GET /r${route}`, kind: 2, atMs, ms: ms + 1, version, attributes: { 'http.request.method': 'GET', 'http.route': `/r${route}` }, error: false });
      const call = spanOf({ trace: t, span: 2 * t + 2, parent: 2 * t + 1, name: `fn${fn}`, kind: 1, atMs, ms, version, attributes: {}, error: rng.next() < 0.005 });
      const ref = { file: `src/f${fn % 20}.ts`, qualifiedName: `fn${fn}`, line: fn };
      batch.spans.push({ span: call, resolution: { mapped: true, fn: ref, mappedBy: 'code.function.name', confidence: 1, explanation: '', alternatives: [] }, thrown: null });
      batch.spans.push({ span: entry, resolution: { mapped: false, reason: 'route-not-found', explanation: '', alternatives: [] }, thrown: null });
    }
    ingested += store.ingestBatch(batch).spans;
  }
  return ingested;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-bench-diff-raw-'));
  try {
    const store = openStore(path.join(dir, 'store.db'), { retention: { rawMaxBytes: 4 * 1024 ** 3 } });
    const deployAt = Date.now() - 21 * MIN;
    const t0 = performance.now();
    const n = fill(store, deployAt);
    console.log(`ingested ${n} spans (${store.rawSpanUsage().spans} raw spans stored) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // No commits are recorded, so the diff never opens a repository; the extractor is unused.
    const deps = { store, index: { symbolsIn: () => [] }, git: () => Promise.reject(new Error('no repository in this benchmark')), extractor: undefined as unknown as SymbolExtractor, isSource: () => true };
    const times: number[] = [];
    let last = null;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      last = await computeDeployDiff(deps, { service: 'shop' }, Date.now());
      times.push(performance.now() - s);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const mixed = last?.functions.filter((f) => f.reasons.some((r) => r.startsWith('traffic mix changed: '))).length ?? 0;
    console.log(`deploy diff over ${store.rawSpanUsage().spans} raw spans: median ${sorted[2]!.toFixed(0)} ms, max ${sorted[4]!.toFixed(0)} ms (target ≤ 1000 ms)`);
    console.log(`functions ${last?.functions.length ?? 0}, with a per-function mix change named: ${mixed}; notes: ${JSON.stringify(last?.report.notes ?? [])}`);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
