/**
 * The settings schema: the single source of truth for `prodlens.*`. The extension's package.json
 * `contributes.configuration` is checked against it by a test, and the server validates what it
 * receives (initializationOptions, workspace/configuration) with it.
 */
import { z } from 'zod';

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 15m, 1h or 7d');

export const pathMappingSchema = z.object({
  from: z.string().min(1).describe('Path prefix as production reports it, e.g. /app/'),
  to: z.string().describe('Workspace-relative prefix that replaces it, e.g. services/orders/'),
});

export const settingsSchema = z.object({
  collectorUrl: z
    .string()
    .describe('URL of the Prodlens collector to pull spans from, e.g. http://127.0.0.1:4318. Empty: no collector.')
    .default(''),
  window: duration.describe('How far back the code lenses look.').default('1h'),
  pathMappings: z
    .array(pathMappingSchema)
    .describe('Rewrite production path prefixes before matching them to workspace files.')
    .default([]),
  services: z.array(z.string()).describe('Only show these services (empty: all).').default([]),
  environments: z.array(z.string()).describe('Only show these deployment environments (empty: all).').default([]),
  retentionDays: z.number().int().min(1).max(90).describe('Keep raw spans this many days.').default(7),
  retentionMegabytes: z.number().int().min(16).max(65536).describe('Keep the raw-span store under this size.').default(1024),
  lensFormat: z
    .enum(['full', 'compact'])
    .describe('full: rate, errors, p50/p95/p99 and sample size; compact: rate, errors and p95.')
    .default('full'),
  minSamples: z.number().int().min(1).max(100000).describe('Fewer requests than this show "too few samples" instead of percentiles.').default(20),
  serverRuntime: z
    .string()
    .describe(
      'Node executable that runs the language server (empty: VS Code\'s own). Set it, e.g. to /usr/bin/node, when better-sqlite3 was built for another Node version than the editor\'s.',
    )
    .default(''),
});

export type Settings = z.infer<typeof settingsSchema>;
export type PathMapping = z.infer<typeof pathMappingSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** Parses settings from an untrusted source, naming each bad key. */
export function parseSettings(input: unknown, source: string): { settings: Settings; problems: string[] } {
  const raw = typeof input === 'object' && input !== null ? input : {};
  const result = settingsSchema.safeParse(raw);
  if (result.success) return { settings: result.data, problems: [] };
  const problems = result.error.issues.map((i) => `${source}: prodlens.${i.path.join('.')}: ${i.message}`);
  // Keep every valid key and fall back to the default only for the bad ones.
  const partial: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    if (typeof key === 'string') delete partial[key];
  }
  const retry = settingsSchema.safeParse(partial);
  return { settings: retry.success ? retry.data : DEFAULT_SETTINGS, problems };
}
