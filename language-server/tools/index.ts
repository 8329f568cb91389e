/**
 * The tools an AI assistant can call, one definition each (see tool.ts). `runTool` is the single
 * entry for both hosts: it validates the input against the tool's schema, runs it, and checks the
 * result stays within its size bound.
 */
import type { z } from 'zod';
import { MAX_RESULT_CHARS } from './bounds';
import { deployChanges } from './deploy-changes';
import { dora } from './dora';
import { functionOutliers } from './function-outliers';
import { functionStats } from './function-stats';
import { ToolInputError, type ToolDefinition, type ToolEngine } from './tool';
import { trace } from './trace';
import { unmappedTelemetry } from './unmapped-telemetry';

export { ToolInputError, type ToolDefinition, type ToolEngine } from './tool';

export const TOOLS: readonly ToolDefinition[] = [functionStats, deployChanges, functionOutliers, trace, unmappedTelemetry, dora];

export const TOOL_NAMES = TOOLS.map((t) => t.name);

export function toolNamed(name: string): ToolDefinition | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** Validates `raw` (a bad field becomes a ToolInputError naming it), runs the tool, returns its JSON. */
export async function runTool(engine: ToolEngine, tool: ToolDefinition, raw: unknown): Promise<unknown> {
  return tool.run(engine, parseInput(tool, raw));
}

export function parseInput<S extends z.ZodObject>(tool: ToolDefinition<S>, raw: unknown): z.output<S> {
  const r = tool.input.safeParse(raw ?? {});
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  throw new ToolInputError(`${tool.name}: ${why}`);
}

/** The result as the compact JSON text both hosts send; a result over the bound is a bug, so it says so. */
export function resultText(tool: ToolDefinition, result: unknown): string {
  const json = JSON.stringify(result);
  if (json.length > MAX_RESULT_CHARS) throw new Error(`${tool.name}: result of ${json.length} characters exceeds the ${MAX_RESULT_CHARS} bound`);
  return json;
}
