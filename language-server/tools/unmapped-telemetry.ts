import { z } from 'zod';
import { UNMAPPED_REASONS } from '@protocol/model';
import { capped, text, textOrNull } from './bounds';
import { defineTool } from './tool';

const input = z
  .object({
    service: z.string().min(1).max(256).optional().describe('Only telemetry of this service.name.'),
    limit: z.number().int().min(1).max(100).default(25).describe('At most this many rows (1..100), most frequent first.'),
  })
  .strict();

export const unmappedTelemetry = defineTool({
  name: 'unmapped_telemetry',
  title: 'Telemetry with no home in the code',
  description: [
    'Span names and routes seen in production that Prodlens could not tie to a function in this workspace, with how often they occurred and why they did not map.',
    'Use it to find endpoints served by code outside this workspace, missing instrumentation (spans without code.* attributes), or a needed prodlens.pathMappings entry.',
    'count is the number of spans stored; reason is one of the keys of reasons.',
  ].join(' '),
  input,
  async run(engine, p) {
    const rows = engine
      .unmapped()
      .filter((u) => p.service === undefined || u.service === p.service)
      .sort((a, b) => b.count - a.count);
    const { items, omitted } = capped(rows, p.limit);
    return {
      total: rows.length,
      omitted,
      reasons: Object.fromEntries([...new Set(items.map((u) => u.reason))].map((r) => [r, UNMAPPED_REASONS[r]])),
      unmapped: items.map((u) => ({ service: text(u.service), name: text(u.name), route: textOrNull(u.route), count: u.count, reason: u.reason })),
    };
  },
});
