import { z } from 'zod';
import type { Exemplar } from '@protocol/lsp';
import { capped, ms, ratio, text, textOrNull } from './bounds';
import { compactStats } from './function-stats';
import { defineTool, ToolInputError, type ToolEngine } from './tool';

const input = z
  .object({
    symbol: z.string().min(1).max(512).describe('The function\'s qualified name as function_stats reports it, e.g. "OrderService.place".'),
    file: z.string().min(1).max(1024).optional().describe('Workspace-relative file of the function; needed only when the name exists in several files.'),
    limit: z.number().int().min(1).max(20).default(5).describe('At most this many slowest and failing example traces each (1..20).'),
  })
  .strict();

export const functionOutliers = defineTool({
  name: 'function_outliers',
  title: 'Slow and failing calls of a function, and what sets them apart',
  description: [
    'For one function: its slowest and most recent failing calls in production (with trace ids), its latency histogram, the versions serving it, and the span attributes that are over-represented among slow or failing calls compared with the rest (e.g. a tenant, a region, a feature flag).',
    'Use it to answer "why is this function slow sometimes?" or "what do the failures have in common?"; pass a traceId from here to the trace tool to see where the time went.',
    'Units: durations in milliseconds; selectionShare and baselineShare are 0..1 shares of outlier and normal calls that carry the attribute value; time is ISO 8601.',
  ].join(' '),
  input,
  async run(engine, p) {
    const file = p.file ?? fileOf(engine, p.symbol);
    const detail = engine.functionDetail(file, p.symbol);
    if (!detail) {
      throw new ToolInputError(`function_outliers: symbol: no production data for ${JSON.stringify(p.symbol)} in ${JSON.stringify(file)} in the window; function_stats lists the functions that have data.`);
    }
    const versions = capped(detail.versions, 10);
    return {
      function: compactStats(detail.stats, engine.settings().minSamples),
      mapping: text(detail.mappingExplanation),
      versions: versions.items.map((v) => ({ version: text(v.version), requests: v.requests })),
      versionsOmitted: versions.omitted,
      histogram: detail.histogram.map((b) => ({ upperMs: ms(b.upperMs), count: b.count })),
      slowest: detail.slowest.slice(0, p.limit).map(exemplar),
      failing: detail.failing.slice(0, p.limit).map(exemplar),
      distinguishingAttributes: detail.contrasts.map((c) => ({
        key: text(c.key),
        value: text(c.value),
        selectionShare: ratio(c.selectionShare),
        baselineShare: ratio(c.baselineShare),
        score: ratio(c.score),
      })),
    };
  },
});

/** The one file whose data has this function; several or none is the caller's to resolve. */
function fileOf(engine: ToolEngine, symbol: string): string {
  const files = [...new Set(engine.allFunctionStats().filter((s) => s.symbol === symbol).map((s) => s.file))];
  if (files.length === 1) return files[0]!;
  if (files.length === 0) throw new ToolInputError(`function_outliers: symbol: no function named ${JSON.stringify(symbol)} has production data in the window; function_stats lists those that do.`);
  throw new ToolInputError(`function_outliers: file: ${JSON.stringify(symbol)} has data in several files; pass file, one of ${JSON.stringify(files.slice(0, 10))}.`);
}

function exemplar(e: Exemplar) {
  return { traceId: e.traceId, durationMs: ms(e.durationMs), error: e.error, message: textOrNull(e.message), time: e.time, version: text(e.version) };
}
