/**
 * What the LSP features and the CLI ask of the engine. The engine (engine.ts) owns the index, the
 * store, the resolver and the pull loop; features only read through this view, so each one is a
 * small function of its connection and this object.
 */
import type { DeployDiffJson, DeployInfo, DoraReport, FunctionStats, UnmappedTelemetry } from '@protocol/model';
import type { DeployDiffParams, DeploysParams, DoraParams, FunctionDetail, TraceSpan } from '@protocol/lsp';
import type { Settings } from '@protocol/settings';
import type { SymbolDef } from './index/types';

export interface EngineView {
  readonly root: string;
  settings(): Settings;
  /** Workspace-relative path (forward slashes) of a document URI, or null outside the workspace. */
  relativePath(uri: string): string | null;
  /** The URI of a workspace-relative path. */
  uriOf(file: string): string;
  symbolsIn(file: string): readonly SymbolDef[];
  enclosingSymbol(file: string, line: number): SymbolDef | undefined;
  /** Per-function numbers over the configured window, keyed by qualified name. */
  functionStats(file: string, nowMs?: number): Map<string, FunctionStats>;
  functionDetail(file: string, symbol: string, nowMs?: number): FunctionDetail | null;
  unmapped(): UnmappedTelemetry[];
  trace(traceId: string): TraceSpan[];
  /** Re-reads one document (from the editor's text) into the index. */
  updateDocument(file: string, text: string): Promise<void>;
  /** Pulls whatever the collector has now. */
  refresh(): Promise<void>;
  /** Known deploys, newest first. */
  deploys(params: DeploysParams): DeployInfo[];
  /** "What changed since the deploy" (default: the latest); null when no deploy is known. */
  deployDiff(params: DeployDiffParams, nowMs?: number): Promise<DeployDiffJson | null>;
  dora(params: DoraParams, nowMs?: number): Promise<DoraReport | null>;
  /**
   * The latest deploy's diff for the lenses: computed at most once per ingest and per throttle
   * interval, the cached one otherwise; null while none is known or when it failed.
   */
  latestDeployDiff(): Promise<DeployDiffJson | null>;
}
