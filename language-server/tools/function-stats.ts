import { z } from 'zod';
import type { FunctionStats } from '@protocol/model';
import { capped, ms, ratio, text } from './bounds';
import { defineTool, ToolInputError, type ToolEngine } from './tool';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const input = z
  .object({
    file: z.string().min(1).max(1024).optional().describe('Workspace-relative path with forward slashes, e.g. "src/orders.ts": only functions in this file.'),
    symbol: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe('Function name, qualified ("OrderService.place") or bare ("place"): only functions with this name.'),
    route: z.string().min(1).max(1024).optional().describe('HTTP route as the framework declares it, e.g. "/api/orders/:id": the handler(s) of this route.'),
    method: z.enum(METHODS).optional().describe('HTTP method for `route` (default: any method).'),
    sortBy: z.enum(['rate', 'errors', 'p95']).default('rate').describe('Order of the list: request rate, error count, or p95 latency, highest first.'),
    limit: z.number().int().min(1).max(50).default(10).describe('At most this many functions (1..50).'),
  })
  .strict();

export const functionStats = defineTool({
  name: 'function_stats',
  title: 'Production numbers per function',
  description: [
    'Production request rate, errors and latency for functions in this workspace, measured from OpenTelemetry spans over the configured window (default the last hour).',
    'Use it to answer "how is this function doing in production?", "which endpoints are slowest or fail most?", or before changing hot code.',
    'Filter by file, by symbol, or by HTTP route (+ method); with no filter it returns the top functions by sortBy.',
    'Units: ratePerMin in requests per minute; errorRate 0..1; p50Ms/p95Ms/p99Ms in milliseconds (null when too few samples: see lowSample).',
    'thrownHere counts errors whose innermost in-app stack frame is the function.',
  ].join(' '),
  input,
  async run(engine, p) {
    let rows = engine.allFunctionStats();
    if (p.file !== undefined) rows = rows.filter((r) => r.file === p.file);
    if (p.symbol !== undefined) rows = rows.filter((r) => r.symbol === p.symbol || r.symbol.split(/[.:#/]/).pop() === p.symbol);
    if (p.route !== undefined) rows = byRoute(engine, rows, p.route, p.method);
    else if (p.method !== undefined) throw new ToolInputError('function_stats: method: only meaningful together with route; pass route as well, or leave method out.');
    const minSamples = engine.settings().minSamples;
    const { items, omitted } = capped([...rows].sort(order(p.sortBy)), p.limit);
    return {
      window: engine.settings().window,
      matched: rows.length,
      omitted,
      functions: items.map((f) => compactStats(f, minSamples)),
      ...(rows.length === 0 ? { note: 'No function with production data in the window matches; check the filter, or widen the window (prodlens.window, or --window for prodlens mcp).' } : {}),
    };
  },
});

function byRoute(engine: ToolEngine, rows: FunctionStats[], route: string, method: string | undefined): FunctionStats[] {
  const defs = (method ? [method] : METHODS).flatMap((m) => engine.index.routesFor(m, route));
  if (defs.length === 0) throw new ToolInputError(`function_stats: route: no route ${JSON.stringify(route)} is declared in the workspace${method ? ` for ${method}` : ''}.`);
  const handlers = new Set(defs.flatMap((d) => (d.handler ? [`${d.handlerFile ?? d.file}\0${d.handler}`] : [])));
  return rows.filter((r) => handlers.has(`${r.file}\0${r.symbol}`));
}

function order(by: 'rate' | 'errors' | 'p95'): (a: FunctionStats, b: FunctionStats) => number {
  if (by === 'errors') return (a, b) => b.errors - a.errors || b.requests - a.requests;
  if (by === 'p95') return (a, b) => (b.p95Ms ?? -1) - (a.p95Ms ?? -1) || b.requests - a.requests;
  return (a, b) => b.ratePerMin - a.ratePerMin || a.file.localeCompare(b.file);
}

/** The numbers a lens shows, rounded; percentiles are null below prodlens.minSamples. */
export function compactStats(f: FunctionStats, minSamples: number) {
  const lowSample = f.requests < minSamples;
  return {
    file: text(f.file, 300),
    symbol: text(f.symbol),
    line: f.line,
    requests: f.requests,
    errors: f.errors,
    errorRate: ratio(f.errorRate),
    thrownHere: f.thrownHere,
    ratePerMin: ratio(f.ratePerMin),
    p50Ms: lowSample ? null : ms(f.p50Ms),
    p95Ms: lowSample ? null : ms(f.p95Ms),
    p99Ms: lowSample ? null : ms(f.p99Ms),
    lowSample,
    mappedBy: f.mappedBy,
    ...(f.ambiguous ? { ambiguous: true } : {}),
  };
}
