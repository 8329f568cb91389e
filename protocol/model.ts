/**
 * Wire types shared by the language server, the CLI, the extension and the webviews.
 * Timestamps that need nanosecond precision travel as decimal strings; display times as ISO strings.
 */

/** How a span or an error was tied to a function, best first (DESIGN.md "Mapping a span to code"). */
export type MappedBy =
  | 'code.function.name'
  | 'code.function'
  | 'code.file.path'
  | 'code.stacktrace'
  | 'dd.code_origin'
  | 'framework'
  | 'http.route'
  | 'rpc.method'
  | 'span.name'
  | 'exception.stacktrace';

/** Why telemetry found no function. */
export type UnmappedReason =
  | 'no-code-signal'
  | 'file-not-in-workspace'
  | 'symbol-not-found'
  | 'route-not-found'
  | 'ambiguous';

/** Each reason in words, for people (the unmapped list) and models (the MCP tool) alike. */
export const UNMAPPED_REASONS: Readonly<Record<UnmappedReason, string>> = {
  'no-code-signal': 'no code.* attribute, stack frame, route or span name names code',
  'file-not-in-workspace': 'the file it names is not in the workspace (another service, a library, or a missing prodlens.pathMappings entry)',
  'symbol-not-found': 'the file is in the workspace but has no function of that name',
  'route-not-found': 'no route in the workspace matches its method and route',
  ambiguous: 'several functions match equally well',
};

export interface LatencySummary {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** One function's production numbers over a window: what a code lens shows. */
export interface FunctionStats extends LatencySummary {
  /** Workspace-relative path with forward slashes. */
  file: string;
  /** Qualified name in the language's own style, e.g. `OrderService.place`. */
  symbol: string;
  /** 1-based line of the function's declaration in the workspace. */
  line: number;
  requests: number;
  errors: number;
  /** Errors whose innermost in-app stack frame is this function. */
  thrownHere: number;
  ratePerMin: number;
  /** Errors / requests, 0..1; null when there were no requests. */
  errorRate: number | null;
  mappedBy: MappedBy[];
  /** 0..1: how sure the mapping is (1 for code.* attributes, lower for routes and span names). */
  confidence: number;
  /** The mapping had more than one candidate function. */
  ambiguous: boolean;
  /**
   * Present when calls of a route (or rpc method) could be any of several handlers. The figures
   * are the whole route's, repeated on every candidate; `requests`/`errors` above count only calls
   * mapped to this function alone, so a total over functions adds each route's share once.
   */
  ambiguity?: AmbiguousShare;
}

/** An ambiguous route's calls, as each of its candidate handlers shows them. */
export interface AmbiguousShare extends LatencySummary {
  /** What the calls were matched by: `GET /api/orders/:id`, `rpc shop.Orders/Get`. */
  route: string;
  /** 1-based position of this function among `candidates`. */
  position: number;
  /** Every candidate handler, this function included. `line` is 1-based. */
  candidates: Array<{ file: string; symbol: string; line: number }>;
  requests: number;
  errors: number;
  ratePerMin: number;
  errorRate: number | null;
}

export interface UnmappedTelemetry {
  service: string;
  name: string;
  route: string | null;
  count: number;
  reason: UnmappedReason;
}

/** `prodlens report --format json`. Field names are a contract (DESIGN.md). */
export interface ReportJson {
  functions: FunctionStats[];
  unmapped: UnmappedTelemetry[];
}

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'insufficient';

/** A two-sided interval (95 % unless stated). */
export interface Interval {
  low: number;
  high: number;
}

export type ChangeDirection = 'regressed' | 'improved';

/** One side (before or after the deploy) of a function's comparison. */
export interface DiffSide extends LatencySummary {
  /** Calls in the window (the error-rate denominator). */
  requests: number;
  errors: number;
  /** errors / requests, null with no requests. */
  errorRate: number | null;
  /** Jeffreys 95 % interval for the error rate. */
  errorRateInterval: Interval | null;
}

/** The latency part of a function's deploy comparison. */
export interface LatencyDiff {
  /** False when a side had fewer calls than the minimum: only descriptive numbers then. */
  tested: boolean;
  /** p95 after / before, as observed. */
  p95Ratio: number | null;
  /** Interval for the p95 ratio (binomial order-statistic intervals, combined on the log scale). */
  p95RatioInterval: Interval | null;
  p50Ratio: number | null;
  p99Ratio: number | null;
  p95DeltaMs: number | null;
  /** The p95 ratio the verdict used, after adjusting for traffic mix and a service-wide shift. */
  adjustedP95Ratio: number | null;
  /** The direction with the stronger evidence. */
  direction: ChangeDirection | null;
  /** Two-direction p-value of the combined test: min(1, 2·min(p_regressed, p_improved)). */
  p: number | null;
  /** One-sided p-values of the two component tests in `direction`. */
  pMannWhitney: number | null;
  pExceedance: number | null;
  /** Weighted Benjamini–Hochberg q-value across all tests of the deploy. */
  q: number | null;
  /** The change passed the effect-size gate in `direction` (p95 or p50 ratio, and the absolute floor). */
  gatePassed: boolean;
  adjustedFor: Array<'traffic-mix' | 'service-shift'>;
}

/** The error-rate part of a function's deploy comparison. */
export interface ErrorDiff {
  tested: boolean;
  rateBefore: number | null;
  rateAfter: number | null;
  rateBeforeInterval: Interval | null;
  rateAfterInterval: Interval | null;
  /** after / before; null when the before rate is zero. */
  ratio: number | null;
  /** after − before as a fraction (0.01 = one percentage point). */
  delta: number | null;
  test: 'fisher' | 'two-proportion-z' | 'cmh' | null;
  direction: ChangeDirection | null;
  p: number | null;
  q: number | null;
  gatePassed: boolean;
}

/** An exception type seen after the deploy and never in the versions before it. */
export interface NewErrorType {
  type: string;
  count: number;
}

/** One function's "what changed since the deploy". */
export interface FunctionDiff {
  /** The caller's key for the function (the store's function id). */
  id: string;
  verdict: Verdict;
  /** The deploy's git diff changed this function's body. */
  changedInDiff: boolean;
  before: DiffSide;
  after: DiffSide;
  latency: LatencyDiff;
  errors: ErrorDiff;
  newErrorTypes: NewErrorType[];
  /** The raw numbers changed, but the shift of traffic between entry routes accounts for it. */
  explainedByMix: boolean;
  /** The raw numbers changed, but by no more than every untouched function did. */
  movedWithService: boolean;
  /**
   * Moved against the window just before the deploy but not against the same window 24 h earlier:
   * a daily cycle, so the verdict is "unchanged". Absent when there was no such comparison.
   */
  dailyCycle?: boolean;
  /**
   * The verdict came from the early look before the first checkpoint: overwhelming evidence
   * (more samples, a large effect, a tiny share of α). Absent otherwise.
   */
  early?: boolean;
  /** Evidence so far is suggestive; the verdict waits for this checkpoint (e.g. "1 h"). */
  waitingFor: string | null;
  /** Short display strings, most important first. */
  reasons: string[];
}

export interface DiffCheckpoint {
  label: string;
  afterMs: number;
  /** The significance level tests are held to at this checkpoint. */
  alpha: number;
}

export interface RouteShareChange {
  route: string;
  before: number;
  after: number;
  shareBefore: number;
  shareAfter: number;
}

export interface TrafficMixCheck {
  changed: boolean;
  p: number | null;
  /** Total-variation distance between the route shares, 0..1. */
  distance: number;
  routes: RouteShareChange[];
}

export interface ServiceShiftCheck {
  detected: boolean;
  /** Median p50 ratio across functions the diff did not touch. */
  p50Ratio: number | null;
  controls: number;
  agreeing: number;
}

/** The whole deploy comparison: what `prodlens/deployDiff` and `prodlens diff` are built from. */
export interface DeployDiffReport {
  elapsedMs: number;
  /** Overall false-discovery level, before spending across checkpoints. */
  alpha: number;
  checkpoint: DiffCheckpoint | null;
  nextCheckpoint: DiffCheckpoint | null;
  trafficMix: TrafficMixCheck;
  serviceShift: ServiceShiftCheck;
  functions: FunctionDiff[];
  summary: Record<Verdict, number>;
  /** Short deploy-level display strings. */
  notes: string[];
}

/** DORA figures over a period (`prodlens/dora`, `prodlens dora`). Times in ms. */
export interface DoraReport {
  from: number;
  to: number;
  days: number;
  deploymentFrequency: { deploys: number; perDay: number; perWeek: number };
  /** Commit time → first seen in production, over the commits each deploy first shipped. */
  leadTimeForChanges: { medianMs: number | null; p90Ms: number | null; commits: number };
  /** Deploys in which the deploy diff found a regression. */
  changeFailureRate: { failed: number; deploys: number; rate: number | null };
  /** Failing deploy → the next deploy without the regression, per failure episode. */
  timeToRestore: { medianMs: number | null; restored: number; unresolved: number };
}

/** One deploy of a (service, environment), as `prodlens/deploys` lists it. */
export interface DeployInfo {
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  /** ISO times. */
  firstSeen: string;
  lastSeen: string;
  source: 'telemetry' | 'marker';
  spans: number;
  /** 1 for a version's first deploy, 2 when it is deployed again (a rollback or a re-deploy), …. */
  occurrence?: number;
  /** The deploy went back to older code than the one it replaced. */
  rollback?: boolean;
  /** What `prodlens diff --deploy` and `prodlens/deployDiff` take to pick this deploy: `1.4.1` or `1.4.1@2`. */
  address?: string;
}

/** A function in a deploy diff, joined to the workspace (what `prodlens diff` prints per function). */
export interface DeployDiffFunction extends FunctionDiff {
  file: string;
  symbol: string;
  /** 1-based line in the workspace as it is now. */
  line: number;
  /** The lines of the deploy's git diff that touched the function (unified diff hunks, trimmed). */
  diffLines: string[];
}

/**
 * `prodlens diff --format json` and `prodlens/deployDiff`. The fields DESIGN.md lists are a contract:
 * service, environment, deploy {version, commit, previousVersion, previousCommit}, and per function
 * file, symbol, line, verdict, changedInDiff, before, after, latency {p95Ratio, q}, errors {rateBefore, rateAfter, q}.
 */
export interface DeployDiffJson {
  service: string;
  environment: string;
  deploy: {
    version: string;
    commit: string | null;
    previousVersion: string | null;
    previousCommit: string | null;
    firstSeen: string;
    /** 1 for the version's first deploy, 2 for a rollback to it or a re-deploy of it, …. */
    occurrence?: number;
    /** The deploy went back to older code than the one it replaced. */
    rollback?: boolean;
  };
  /** How before and after were chosen, e.g. "concurrent: 1.4.1 and 1.4.2 both serving". */
  comparison: string;
  report: Omit<DeployDiffReport, 'functions'>;
  functions: DeployDiffFunction[];
  /** Set when the git diff could not be computed (missing commit, shallow clone, no repository). */
  gitProblem: string | null;
  /**
   * Functions whose body in the workspace now differs from the deployed commit (edited or added
   * since), so their numbers describe other code; null when git could not tell.
   */
  changedSinceDeploy?: Array<{ file: string; symbol: string }> | null;
}
