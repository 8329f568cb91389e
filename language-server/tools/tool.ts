/**
 * One definition per tool, shared by the MCP server (`prodlens mcp`) and the VS Code
 * language-model tools (`prodlens/tool`): the name, the description a model reads, the zod input
 * schema and `run`. Tools only read; none writes to the store or anywhere else.
 */
import type { z } from 'zod';
import type { Engine } from '../engine';
import type { WorkspaceIndex } from '../index/workspace-index';

/** What the tools read: the engine's read API and the route index (for lookups by route). */
export interface ToolEngine
  extends Pick<Engine, 'settings' | 'allFunctionStats' | 'functionDetail' | 'unmapped' | 'trace' | 'deployDiff' | 'dora' | 'deploys'> {
  readonly index: Pick<WorkspaceIndex, 'routesFor'>;
}

export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  /** snake_case; VS Code registers it as `prodlens_<name>`. */
  name: string;
  title: string;
  /** For a model: what it answers, when to use it, units. Never built from telemetry. */
  description: string;
  input: S;
  /** Input is already validated against `input`; the result is JSON-serialisable and bounded. */
  run(engine: ToolEngine, input: z.output<S>): Promise<unknown>;
}

/** The caller asked for something that does not exist or is ambiguous; the message says what to pass. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

/** Keeps each definition's input type tied to its schema. */
export function defineTool<S extends z.ZodObject>(tool: ToolDefinition<S>): ToolDefinition<S> {
  return tool;
}
