/**
 * The per-ingest entry point: resolves spans and exceptions against the workspace index with
 * bounded caches. Spans repeat the same few signal tuples (one per route or instrumented function),
 * so nearly every span after warm-up costs one map lookup, by its route or name, and a comparison
 * of the attributes that carry signals. Call `invalidate()` whenever the index changes; cached
 * results would otherwise point at stale lines.
 */
import type { ExceptionInfo, SpanRecord } from '../ingest/span';
import { hasCodeOrigin, readCodeSignals, sameSignalInputs, signalInputs, type CodeSignals, type SignalInputs } from './attributes';
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
  /**
   * Distinct (service, signal tuple) results kept; default 20,000. The fast path keeps as many
   * recent results besides, at most 16 under one route or span name.
   */
  cacheSize?: number;
  /** Distinct stack traces kept for `thrownHere`; default 5,000. */
  stackCacheSize?: number;
  /** Moves lines reported by a span's `vcs.ref.head.revision` onto the workspace; without it lines are used as reported. */
  deployedLines?: DeployedLineSource;
}

/** A recent result, with everything it was resolved from (its route or name is its key). */
interface Recent {
  service: string;
  name: string;
  kind: number;
  commit: string | null;
  inputs: SignalInputs;
  resolution: SpanResolution;
}

/**
 * Recent results kept under one key, newest first. Express names its middleware spans the same on
 * every route, and every route's layers share its route: a key holds about as many tuples as an
 * app has middleware, and scanning them costs less than building the full key.
 */
const RECENT_PER_KEY = 16;

export class SpanResolver {
  /** Every result, under a key of all its signals. */
  private readonly spans: Lru<string, SpanResolution>;
  /**
   * The fast path: results by `http.route`, else span name, which nearly always decide the signals.
   * A hit needs the same service, name, kind, commit and signal attributes besides, so it returns
   * what `spans` would, without reading the signals or building their key.
   */
  private readonly recent: Lru<string, readonly Recent[]>;
  private readonly recentPerKey: number;
  private readonly stacks: Lru<string, ThrownHere | null>;
  private hitCount = 0;
  private missCount = 0;
  private readonly deployedLines: DeployedLineSource | undefined;

  constructor(
    private readonly index: MappingIndex,
    options: SpanResolverOptions = {},
  ) {
    const cacheSize = options.cacheSize ?? 20_000;
    this.spans = new Lru(cacheSize);
    this.recent = new Lru(cacheSize, (chain) => chain.length);
    this.recentPerKey = Math.max(1, Math.min(RECENT_PER_KEY, Math.floor(cacheSize / 2)));
    this.stacks = new Lru(options.stackCacheSize ?? 5_000);
    this.deployedLines = options.deployedLines;
  }

  /** The resolution is shared between spans with the same signals; treat it as read-only. */
  resolve(span: SpanRecord): SpanResolution {
    const attributes = span.attributes;
    const route = attributes['http.route'];
    const fastKey = typeof route === 'string' && route !== '' ? route : span.name;
    // The same signals from two deployed commits may sit on different lines now.
    const commit = this.deployedLines ? span.commit : null;
    const chain = this.recent.get(fastKey);
    if (chain !== undefined) {
      for (const r of chain) {
        if (r.name === span.name && r.service === span.service && r.kind === span.kind && r.commit === commit && sameSignalInputs(attributes, r.inputs)) {
          this.hitCount++;
          return r.resolution;
        }
      }
    }
    const signals = readCodeSignals(span);
    const key = cacheKey(span.service, signals, commit);
    let resolution = this.spans.get(key);
    if (resolution !== undefined) {
      this.hitCount++;
    } else {
      this.missCount++;
      resolution = resolveSignals(signals, this.index, this.linesOf(commit));
      this.spans.set(key, resolution);
    }
    const inputs = signalInputs(attributes);
    // Code-origin frames are read from keys the inputs do not hold, so such spans take the keyed
    // path. So do spans with their own stack trace: it rarely repeats, and would be held here too.
    if (!hasCodeOrigin(inputs) && signals.stacktrace === null) {
      const entry: Recent = { service: span.service, name: span.name, kind: span.kind, commit, inputs, resolution };
      // A new array each time: the Lru weighs a chain when it is set.
      this.recent.set(fastKey, chain === undefined ? [entry] : [entry, ...chain.slice(0, this.recentPerKey - 1)]);
    }
    return resolution;
  }

  /** `commit`: the deployed commit whose lines the stack reports (a span's), or null to take them as reported. */
  thrownHere(exception: ExceptionInfo, commit: string | null = null): ThrownHere | null {
    const at = this.deployedLines ? commit : null;
    // Prefix-free, like `cacheKey`: a stack trace is telemetry and may hold any character.
    const key = at === null ? `-${exception.stacktrace}` : `${text(at)}${exception.stacktrace}`;
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
    this.recent.clear();
    this.stacks.clear();
  }

  /** `size`: the distinct signal tuples kept. */
  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.hitCount, misses: this.missCount, size: this.spans.size };
  }
}

/**
 * Every field resolution reads, so equal keys always resolve alike; and written so that different
 * fields never give equal keys: strings carry their length (telemetry strings may hold any
 * character, a separator too), numbers and absent values an end mark.
 */
function cacheKey(service: string, s: CodeSignals, commit: string | null): string {
  let key = `${text(service)}${s.kind};${text(s.functionName)}${text(s.legacyNamespace)}${text(s.legacyFunction)}${text(s.filePathAttribute)}${text(s.filePath)}${num(s.line)}${num(s.column)}${text(s.httpMethod)}${text(s.httpRoute)}${text(s.rpcService)}${text(s.rpcMethod)}${text(s.fastifyHandler)}${text(s.expressType)}${text(s.expressName)}${text(s.spanName)}${text(s.stacktrace)}${text(commit)}`;
  for (const f of s.codeOrigin) key += `${text(f.file)}${num(f.line)}${num(f.column)}${text(f.type)}${text(f.method)}`;
  return key;
}

function text(value: string | null): string {
  return value === null ? '-' : `${value.length}:${value}`;
}

function num(value: number | null): string {
  return value === null ? '-' : `${value};`;
}
