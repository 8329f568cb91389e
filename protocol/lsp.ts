/**
 * Custom LSP requests and notifications between the Prodlens language server and its clients (the
 * VS Code extension, other editors through `prodlens lsp --stdio`). Call sites use these constants,
 * never method strings. Every method is listed in ARCHITECTURE.md "Protocol" (a test checks).
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { DeployDiffJson, DeployInfo, DoraReport, FunctionStats, MappedBy, UnmappedTelemetry } from './model';

export type ConnectionState = 'no-collector' | 'connecting' | 'connected' | 'behind' | 'unreachable' | 'unauthorized' | 'idle';

export interface StatusParams {
  state: ConnectionState;
  /** One sentence for the status bar tooltip, e.g. "collector http://127.0.0.1:4318 unreachable: ECONNREFUSED". */
  detail: string;
  /** Batches the collector holds that the server has not pulled yet. */
  behindBatches: number;
  /** Spans in the store's window. */
  spansStored: number;
  /** ISO time of the last batch ingested, or null. */
  lastIngestAt: string | null;
}

/** Server → client: the pull loop's state changed (status bar). */
export const status = new NotificationType<StatusParams>('prodlens/status');

export interface FunctionDetailParams {
  uri: string;
  symbol: string;
}

export interface Exemplar {
  traceId: string;
  spanId: string;
  durationMs: number;
  error: boolean;
  message: string | null;
  time: string;
  version: string;
}

export interface AttributeContrast {
  key: string;
  value: string;
  /** Share of the slow-or-failing calls that have the value, 0..1. */
  selectionShare: number;
  /** Share of the other calls that have it, 0..1. */
  baselineShare: number;
  score: number;
}

export interface FunctionDetail {
  stats: FunctionStats;
  /** Mapping explanation, e.g. "matched by code.function.name". */
  mappingExplanation: string;
  versions: Array<{ version: string; requests: number }>;
  /** Latency distribution: bucket upper bounds in ms and counts, coarse enough to draw inline. */
  histogram: Array<{ upperMs: number; count: number }>;
  slowest: Exemplar[];
  failing: Exemplar[];
  contrasts: AttributeContrast[];
}

/** Client → server: everything the hover shows for one function, for a panel. */
export const functionDetail = new RequestType<FunctionDetailParams, FunctionDetail | null, void>('prodlens/functionDetail');

/** Client → server: telemetry that found no function, with counts and reasons. */
export const unmapped = new RequestType0<UnmappedTelemetry[], void>('prodlens/unmapped');

export interface TraceParams {
  traceId: string;
}

export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  startNs: string;
  durationMs: number;
  error: boolean;
  statusMessage: string;
  attributes: Record<string, string | number | boolean>;
  exception: { type: string; message: string; stacktrace: string } | null;
  /** The function this span maps to, when it does. */
  code: { file: string; symbol: string; line: number; mappedBy: MappedBy } | null;
}

/** Client → server: the spans of one trace that are still in the store. */
export const trace = new RequestType<TraceParams, TraceSpan[], void>('prodlens/trace');

/** Client → server: pull now and refresh lenses (the refresh command). */
export const refresh = new RequestType0<void, void>('prodlens/refresh');

export interface DeploysParams {
  service?: string;
  environment?: string;
}

/** Client → server: known deploys, newest first (the deploy panel's picker). */
export const deploys = new RequestType<DeploysParams, DeployInfo[], void>('prodlens/deploys');

export interface DeployDiffParams {
  service?: string;
  environment?: string;
  /**
   * The deploy; default the latest. A version picks its latest deploy; `1.4.1@2` its second and
   * `1.4.1@<ISO time>` the one serving then (DeployInfo.address gives the form for each deploy).
   */
  version?: string;
}

/** Client → server: "what changed since my deploy" for one deploy. */
export const deployDiff = new RequestType<DeployDiffParams, DeployDiffJson | null, void>('prodlens/deployDiff');

export interface DoraParams {
  service?: string;
  environment?: string;
  /** Period length, e.g. "30d" (default 30d), ending now. */
  period?: string;
}

/** Client → server: DORA figures for a service over a period. */
export const dora = new RequestType<DoraParams, DoraReport | null, void>('prodlens/dora');

export interface ToolParams {
  /** A tool of language-server/tools, e.g. "function_stats" (VS Code registers it as prodlens_function_stats). */
  name: string;
  /** The tool's input, validated by the server against the tool's schema. */
  input: unknown;
}

export interface ToolResult {
  /** The tool's result as compact JSON text, bounded in size. */
  json: string;
}

/** Client → server: run one assistant tool for a VS Code language-model tool call (the same tools `prodlens mcp` serves). */
export const tool = new RequestType<ToolParams, ToolResult, void>('prodlens/tool');
