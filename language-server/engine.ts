/**
 * The engine: one workspace's index, resolver, store and pull loop. The LSP server and the CLI
 * (`prodlens report`, `diff`, `mcp`) both drive it; features read it through `EngineView`.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DeployDiffJson, DeployInfo, DoraReport, FunctionStats, UnmappedTelemetry } from '@protocol/model';
import type { DeployDiffParams, DeploysParams, DoraParams, FunctionDetail, StatusParams, TraceSpan } from '@protocol/lsp';
import type { Settings } from '@protocol/settings';
import { durationMs } from './duration';
import type { EngineView } from './engine-view';
import { toDetail } from './function-detail';
import { decodeFrame, emptyDecodeStats, frameIdentities, OtlpDecodeError } from './ingest/decode';
import type { Frame } from './ingest/frames';
import { DEFAULT_INGEST_LIMITS, PULL_BATCHES } from './ingest/limits';
import { PullClient } from './ingest/pull-client';
import { PullLoop, type PulledBatch } from './ingest/pull-loop';
import type { LogException, SpanRecord } from './ingest/span';
import { createRouteExtractor } from './index/routes';
import type { SymbolDef } from './index/types';
import { WorkspaceIndex } from './index/workspace-index';
import { SpanResolver } from './mapping/span-resolver';
import { AMBIGUOUS_FILE, groupRef, withAmbiguity } from './mapping/ambiguous-group';
import { openStore, type IngestChunk, type Store } from './store';
import { defaultDbFile } from './db-location';
import { toDeployInfo } from './deploys/deploy-choice';
import { computeDeployDiff, type DeployDiffDeps } from './deploys/deploy-diff';
import { computeDoraReport } from './deploys/dora';
import { Git, GitUnavailableError } from './deploys/git';
import { LatestDiffCache } from './deploys/latest-diff-cache';
import { LineMover } from './deploys/line-mover';
import { fetchDeployMarkers } from './deploys/markers';
import { SymbolExtractor } from './index/symbol-extractor';

export type LogLevel = 'info' | 'warn' | 'error';

/** Why a deploy diff has no changed functions in an untrusted workspace (`gitEnabled: false`). */
export const GIT_DISABLED = 'workspace not trusted: git disabled';

export interface EngineOptions {
  root: string;
  settings: Settings;
  token?: string;
  /** SQLite file; default: per workspace under the user's cache directory. */
  dbFile?: string;
  /** Start the background pull loop when a collector URL is set (the LSP server); the CLI pulls on demand. */
  pullInBackground?: boolean;
  onStatus?: (status: StatusParams) => void;
  onIngest?: () => void;
  log?: (level: LogLevel, message: string) => void;
  /**
   * Run git for deploy diffs and DORA lead times (default true). False in an untrusted workspace:
   * git reads the repository's config, which can name programs to run.
   */
  gitEnabled?: boolean;
  /** The raw writer thread's script (store/raw/); default: next to the running bundle; null: write raw spans in-thread. */
  rawWorkerScript?: string | null;
}

export interface Engine extends EngineView {
  readonly store: Store;
  readonly index: WorkspaceIndex;
  updateSettings(settings: Settings): void;
  /** Pulls until the collector has nothing newer; returns the number of spans ingested. */
  catchUp(): Promise<number>;
  /** Pulls the collector's deploy markers (`GET /v1/deploys`) into the store. */
  pullDeployMarkers(): Promise<number>;
  /**
   * Ingests decoded telemetry (the pull loop's and tests' entry point). Lines of deployed commits the
   * pull paths have not prepared yet (see `prepareDeployedLines`) are taken as reported.
   */
  ingest(cursor: string | null, spans: SpanRecord[], logs: LogException[]): void;
  /** Every function with data in the window, for `prodlens report`. */
  allFunctionStats(nowMs?: number): FunctionStats[];
  close(): Promise<void>;
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const root = path.resolve(options.root);
  const dbFile = options.dbFile ?? defaultDbFile(root);
  if (dbFile !== ':memory:') mkdirSync(path.dirname(dbFile), { recursive: true });
  const store = openStore(dbFile, { retention: retentionOf(options.settings), ...(options.rawWorkerScript !== undefined ? { rawWorkerScript: options.rawWorkerScript } : {}) });
  // With a collector the first pull is near: the thread starts while the workspace is indexed.
  if (options.settings.collectorUrl) store.startRawWriterThread();
  try {
    const index = await WorkspaceIndex.build(root, {
      routeExtractor: createRouteExtractor(),
      pathMappings: options.settings.pathMappings,
    });
    const engine = new EngineImpl(root, store, index, options);
    if (options.pullInBackground !== false) engine.startPulling();
    return engine;
  } catch (err) {
    store.close();
    throw err;
  }
}

function retentionOf(s: Settings) {
  return { rawMaxAgeMs: s.retentionDays * 86_400_000, rawMaxBytes: s.retentionMegabytes * 1024 * 1024 };
}

class EngineImpl implements Engine {
  private current: Settings;
  private readonly resolver: SpanResolver;
  private loop: PullLoop | undefined;
  private loopDone: Promise<void> | undefined;
  private maintenance: NodeJS.Timeout | undefined;
  private git: Promise<Git> | undefined;
  /** Moves lines reported by deployed commits onto the working tree; git only through `openGit`. */
  private readonly deployedLines = new LineMover(() => this.openGit());
  private readonly extractor = new SymbolExtractor();
  private readonly latestDiff = new LatestDiffCache(() => this.deployDiff({}), 30_000);
  private noVersionWarned = false;

  constructor(
    readonly root: string,
    readonly store: Store,
    readonly index: WorkspaceIndex,
    private readonly options: EngineOptions,
  ) {
    this.current = options.settings;
    this.resolver = new SpanResolver(index, { deployedLines: this.deployedLines });
    this.maintenance = setInterval(() => this.maintain(), 60_000);
    this.maintenance.unref();
  }

  settings(): Settings {
    return this.current;
  }

  updateSettings(settings: Settings): void {
    const urlChanged = settings.collectorUrl !== this.current.collectorUrl;
    this.current = settings;
    if (urlChanged && this.loop) void this.restartPulling();
  }

  relativePath(uri: string): string | null {
    if (!uri.startsWith('file:')) return null;
    const rel = path.relative(this.root, fileURLToPath(uri));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel.split(path.sep).join('/');
  }

  uriOf(file: string): string {
    return pathToFileURL(path.join(this.root, file)).toString();
  }

  symbolsIn(file: string): readonly SymbolDef[] {
    return this.index.symbolsIn(file);
  }

  enclosingSymbol(file: string, line: number): SymbolDef | undefined {
    return this.index.enclosingSymbol(file, line);
  }

  private window(nowMs: number) {
    return { fromMs: nowMs - durationMs(this.current.window), toMs: nowMs };
  }

  private filters() {
    const { services, environments } = this.current;
    return { services: services.length ? services : undefined, environments: environments.length ? environments : undefined };
  }

  functionStats(file: string, nowMs = Date.now()): Map<string, FunctionStats> {
    const rows = this.store.functionStats({ ...this.window(nowMs), ...this.filters(), files: [file] });
    const all = withAmbiguity(rows, this.ambiguousGroups(nowMs), this.index, file);
    return new Map(all.map((s) => [s.symbol, this.withCurrentLine(s)]));
  }

  allFunctionStats(nowMs = Date.now()): FunctionStats[] {
    const rows = this.store.functionStats({ ...this.window(nowMs), ...this.filters() });
    return withAmbiguity(rows, rows.filter((r) => r.file === AMBIGUOUS_FILE), this.index)
      .map((s) => this.withCurrentLine(s))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  }

  /** Calls of routes with several handlers, held by each route's virtual function. */
  private ambiguousGroups(nowMs: number): FunctionStats[] {
    return this.store.functionStats({ ...this.window(nowMs), ...this.filters(), files: [AMBIGUOUS_FILE] });
  }

  /** Lines come from the workspace as it is now, not from when the span was stored. */
  private withCurrentLine(s: FunctionStats): FunctionStats {
    const symbol = this.index.symbolsIn(s.file).find((d) => d.qualifiedName === s.symbol);
    return symbol ? { ...s, line: symbol.startLine + 1 } : s;
  }

  functionDetail(file: string, symbol: string, nowMs = Date.now()): FunctionDetail | null {
    const own = this.store.functionDetail({ file, qualifiedName: symbol }, this.window(nowMs));
    const stats = withAmbiguity(own?.stats ? [own.stats] : [], this.ambiguousGroups(nowMs), this.index, file).find((s) => s.symbol === symbol);
    // A handler whose calls are all ambiguous shows its route's distribution and traces.
    const share = stats?.ambiguity;
    const detail = own?.stats ? own : share ? this.store.functionDetail(groupRef(share.route, share.candidates.map((c) => ({ file: c.file, qualifiedName: c.symbol }))), this.window(nowMs)) : null;
    if (!detail?.stats || !stats) return null;
    return toDetail(detail, this.withCurrentLine(stats));
  }

  unmapped(): UnmappedTelemetry[] {
    return this.store.unmapped().map(({ lastSeenMs: _, ...u }) => u);
  }

  trace(traceId: string): TraceSpan[] {
    return this.store.trace(traceId).map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: s.service,
      startNs: s.startNs.toString(),
      durationMs: s.durationUs / 1000,
      error: s.statusCode === 2,
      statusMessage: s.statusMessage,
      attributes: s.attributes,
      exception: s.exceptions[0] ? { type: s.exceptions[0].type, message: s.exceptions[0].message, stacktrace: s.exceptions[0].stacktrace } : null,
      // A span of an ambiguous route has no single function to open.
      code: s.fn && s.fn.file !== AMBIGUOUS_FILE ? { file: s.fn.file, symbol: s.fn.qualifiedName, line: s.fn.line + 1, mappedBy: 'code.function.name' } : null,
    }));
  }

  async updateDocument(file: string, text: string): Promise<void> {
    // Before the await: a batch pulled meanwhile must not keep a diff of the file before this change.
    this.deployedLines.invalidate();
    await this.index.updateFile(file, text);
    this.resolver.invalidate();
    // The deploy diff's "changed since deployed" list follows edits (throttled like ingest).
    this.latestDiff.invalidate();
  }

  ingest(cursor: string | null, spans: SpanRecord[], logs: LogException[]): void {
    this.store.ingestBatch({ cursor, ...this.mapped(spans, logs) });
    this.ingested();
  }

  private mapped(spans: readonly SpanRecord[], logs: readonly LogException[]): IngestChunk {
    return {
      spans: spans.map((span) => ({
        span,
        resolution: this.resolver.resolve(span),
        thrown: span.exceptions[0] ? this.resolver.thrownHere(span.exceptions[0], span.commit) : null,
      })),
      logs: logs.map((log) => ({ log, thrown: this.resolver.thrownHere(log.exception) })),
    };
  }

  private ingested(): void {
    this.latestDiff.invalidate();
    this.options.onIngest?.();
  }

  /**
   * One pull into the store: its frames are decoded and mapped one at a time inside the store's
   * transaction, so only one collector batch of decoded spans is alive at once, while the raw writer
   * thread stores their raw spans (store/raw/). Payloads that are not OTLP are skipped and logged;
   * the rest of the pull counts. Returns the spans counted.
   */
  private async ingestFrames(cursor: string, frames: readonly Frame[]): Promise<number> {
    await this.prepareDeployedLines(frameIdentities(frames));
    const stats = emptyDecodeStats();
    const undecodable: OtlpDecodeError[] = [];
    const chunks = function* (engine: EngineImpl): Generator<IngestChunk> {
      for (const frame of frames) {
        let decoded: { spans: SpanRecord[]; logs: LogException[] };
        try {
          decoded = decodeFrame(frame, DEFAULT_INGEST_LIMITS, stats);
        } catch (error) {
          if (!(error instanceof OtlpDecodeError)) throw error;
          undecodable.push(error);
          continue;
        }
        yield { ...engine.mapped(decoded.spans, decoded.logs), frame };
      }
    };
    const result = await this.store.ingestPull(cursor, chunks(this), frames.some((f) => f.kind === 'logs'));
    for (const bad of undecodable) this.log('warn', bad.message);
    this.ingested();
    return result.spans;
  }

  /**
   * Loads the diff of each deployed commit the spans name that is not loaded yet, so `ingest` (which
   * is synchronous) resolves their lines where that code is now. Resolutions cached before a commit
   * was loaded took its lines as reported, so the resolver cache starts over.
   */
  private async prepareDeployedLines(spans: Iterable<Pick<SpanRecord, 'commit' | 'service' | 'version'>>): Promise<void> {
    const owners = new Map<string, { service: string; version: string }>();
    for (const span of spans) {
      if (span.commit !== null && !owners.has(span.commit) && !this.deployedLines.isPrepared(span.commit)) owners.set(span.commit, { service: span.service, version: span.version });
    }
    if (owners.size === 0) return;
    await Promise.all([...owners].map(([commit, owner]) => this.deployedLines.prepare(commit, owner)));
    this.resolver.invalidate();
  }

  private client(): PullClient | undefined {
    const url = this.current.collectorUrl;
    return url ? new PullClient({ url, token: this.options.token }) : undefined;
  }

  async catchUp(): Promise<number> {
    const client = this.client();
    if (!client) return 0;
    let total = 0;
    // PULL_BATCHES (the pull loop's size) bounds the decoded spans held at once; the next pull is
    // requested before this one is written, so the collector reads it while SQLite writes.
    const pull = (cursor: string | null) => client.pull({ cursor, max: PULL_BATCHES, waitMs: 0 });
    let next = pull(this.store.cursor());
    for (;;) {
      const result = await next;
      if (result.frames.length === 0) return total;
      next = pull(result.nextCursor);
      // Should this ingest throw, the prefetched pull's own failure is not the error to report.
      next.catch(() => undefined);
      total += await this.ingestFrames(result.nextCursor, result.frames);
    }
  }

  /** Pulls the collector's deploy markers into the store; a failure is logged, never thrown. */
  async pullDeployMarkers(): Promise<number> {
    const url = this.current.collectorUrl;
    if (!url) return 0;
    try {
      const { markers, rejected } = await fetchDeployMarkers(url, this.options.token);
      for (const r of rejected) this.log('warn', r);
      let stored = 0;
      for (const m of markers) {
        try {
          this.store.recordDeployMarker(m);
          stored++;
        } catch (err) {
          this.log('warn', err instanceof Error ? err.message : String(err));
        }
      }
      if (stored > 0) this.latestDiff.invalidate();
      return stored;
    } catch (err) {
      this.log('warn', err instanceof Error ? err.message : String(err));
      return 0;
    }
  }

  deploys(params: DeploysParams): DeployInfo[] {
    const all = this.store.deploys(params);
    return all.map((d) => toDeployInfo(d, all));
  }

  async deployDiff(params: DeployDiffParams, nowMs = Date.now()): Promise<DeployDiffJson | null> {
    const diff = await computeDeployDiff(this.deployDeps(), params, nowMs);
    if (diff && !this.noVersionWarned && diff.report.notes.some((n) => n.startsWith('spans carry no service.version'))) {
      this.noVersionWarned = true;
      this.log('warn', diff.report.notes.find((n) => n.startsWith('spans carry no service.version'))!);
    }
    return diff;
  }

  dora(params: DoraParams, nowMs = Date.now()): Promise<DoraReport | null> {
    return computeDoraReport(this.deployDeps(), params, nowMs);
  }

  latestDeployDiff(): Promise<DeployDiffJson | null> {
    return this.latestDiff.get();
  }

  private deployDeps(): DeployDiffDeps {
    const sources = new Set(this.index.files());
    return {
      store: this.store,
      index: this.index,
      extractor: this.extractor,
      isSource: (f) => sources.has(f),
      git: () => this.openGit(),
    };
  }

  /** The workspace's repository, opened once; the only way to it, so `gitEnabled: false` holds everywhere. */
  private openGit(): Promise<Git> {
    if (this.options.gitEnabled === false) return Promise.reject(new GitUnavailableError(GIT_DISABLED));
    return (this.git ??= Git.open(this.root));
  }

  startPulling(): void {
    const client = this.client();
    if (!client) {
      this.emitStatus({ state: 'no-collector', detail: 'No collector configured (prodlens.collectorUrl).', behindBatches: 0, lastIngestAt: null });
      return;
    }
    const loop = new PullLoop({
      client,
      cursor: this.store.cursor(),
      onBatch: async (b: PulledBatch) => {
        if (b.gap) this.log('warn', `The collector dropped batches ${b.gap.from}–${b.gap.to} to retention before they were pulled.`);
        await this.ingestFrames(b.cursor, b.frames);
      },
      onState: (s) => this.emitStatus(s),
    });
    this.loop = loop;
    void this.pullDeployMarkers();
    this.loopDone = loop.start().catch((err: unknown) => {
      this.log('error', `Pulling stopped: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private async restartPulling(): Promise<void> {
    await this.loop?.stop();
    await this.loopDone;
    this.startPulling();
  }

  private emitStatus(s: Omit<StatusParams, 'spansStored'>): void {
    this.options.onStatus?.({ ...s, spansStored: this.store.rawSpanUsage().spans });
  }

  async refresh(): Promise<void> {
    if (!this.loop) await this.catchUp();
    await this.pullDeployMarkers();
    this.options.onIngest?.();
  }

  private maintain(): void {
    if (this.loop) void this.pullDeployMarkers();
    try {
      this.store.maintain(Date.now());
    } catch (err) {
      this.log('warn', `Store maintenance failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  async close(): Promise<void> {
    if (this.maintenance) clearInterval(this.maintenance);
    await this.loop?.stop();
    await this.loopDone;
    this.index.dispose();
    this.extractor.dispose();
    this.store.close();
  }
}
