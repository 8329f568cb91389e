/**
 * The per-ingest entry point: resolves spans and exceptions against the workspace index with
 * bounded caches. Spans repeat the same few signal tuples (one per route or instrumented function),
 * so nearly every span after warm-up costs one attribute read and one map lookup. Call
 * `invalidate()` whenever the index changes; cached results would otherwise point at stale lines.
 */
import type { ExceptionInfo, SpanRecord } from '../ingest/span';
import { readCodeSignals, type CodeSignals } from './attributes';
import { Lru } from './lru';
import { resolveSignals } from './resolve';
import { thrownHere } from './thrown-here';
import type { MappingIndex, SpanResolution, ThrownHere } from './types';
import type { DeployedLines } from './locate';

/** Where a 0-based line of a deployed commit is in the workspace now (deploys/line-mover.ts `LineMover`). */
export interface DeployedLineSource {
  move(commit: string, file: string, line: number): number | null;
}

export interface SpanResolverOptions {
  /** Distinct (service, signal tuple) results kept; default 20,000. */
  cacheSize?: number;
  /** Distinct stack traces kept for `thrownHere`; default 5,000. */
  stackCacheSize?: number;
  /** Moves lines reported by a span's `vcs.ref.head.revision` onto the workspace; without it lines are used as reported. */
  deployedLines?: DeployedLineSource;
}

const SEP = '\u0001';

export class SpanResolver {
  private readonly spans: Lru<string, SpanResolution>;
  private readonly stacks: Lru<string, ThrownHere | null>;
  private hitCount = 0;
  private missCount = 0;
  private readonly deployedLines: DeployedLineSource | undefined;

  constructor(
    private readonly index: MappingIndex,
    options: SpanResolverOptions = {},
  ) {
    this.spans = new Lru(options.cacheSize ?? 20_000);
    this.stacks = new Lru(options.stackCacheSize ?? 5_000);
    this.deployedLines = options.deployedLines;
  }

  /** The resolution is shared between spans with the same signals; treat it as read-only. */
  resolve(span: SpanRecord): SpanResolution {
    const signals = readCodeSignals(span);
    const commit = this.deployedLines ? span.commit : null;
    // The same signals from two deployed commits may sit on different lines now.
    const key = commit === null ? cacheKey(span.service, signals) : `${cacheKey(span.service, signals)}${SEP}${commit}`;
    const cached = this.spans.get(key);
    if (cached !== undefined) {
      this.hitCount++;
      return cached;
    }
    this.missCount++;
    const resolution = resolveSignals(signals, this.index, this.linesOf(commit));
    this.spans.set(key, resolution);
    return resolution;
  }

  /** `commit`: the deployed commit whose lines the stack reports (a span's), or null to take them as reported. */
  thrownHere(exception: ExceptionInfo, commit: string | null = null): ThrownHere | null {
    const at = this.deployedLines ? commit : null;
    const key = at === null ? exception.stacktrace : `${exception.stacktrace}${SEP}${at}`;
    const cached = this.stacks.get(key);
    if (cached !== undefined) return cached;
    const result = thrownHere(exception, this.index, this.linesOf(at));
    this.stacks.set(key, result);
    return result;
  }

  private linesOf(commit: string | null): DeployedLines | undefined {
    const source = this.deployedLines;
    if (commit === null || source === undefined) return undefined;
    return (file, line) => {
      const moved = source.move(commit, file, line - 1);
      return moved === null ? null : moved + 1;
    };
  }

  invalidate(): void {
    this.spans.clear();
    this.stacks.clear();
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.hitCount, misses: this.missCount, size: this.spans.size };
  }
}

/** Every field resolution reads, so equal keys always resolve alike. */
function cacheKey(service: string, s: CodeSignals): string {
  let key = `${service}${SEP}${s.kind}${SEP}${s.functionName ?? ''}${SEP}${s.legacyNamespace ?? ''}${SEP}${s.legacyFunction ?? ''}${SEP}${s.filePathAttribute ?? ''}${SEP}${s.filePath ?? ''}${SEP}${s.line ?? ''}${SEP}${s.httpMethod ?? ''}${SEP}${s.httpRoute ?? ''}${SEP}${s.rpcService ?? ''}${SEP}${s.rpcMethod ?? ''}${SEP}${s.fastifyHandler ?? ''}${SEP}${s.expressType ?? ''}${SEP}${s.expressName ?? ''}${SEP}${s.spanName}`;
  if (s.stacktrace !== null) key += `${SEP}${s.stacktrace}`;
  for (const f of s.codeOrigin) key += `${SEP}${f.file}:${f.line ?? ''}:${f.type ?? ''}.${f.method ?? ''}`;
  return key;
}
