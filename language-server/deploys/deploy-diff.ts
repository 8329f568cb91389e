/**
 * "What changed since my deploy", end to end: choose the deploy and the one before it, choose the
 * before and after windows, read both sides' rollups from the store, link the two commits to the
 * functions the diff changed, run the statistics (analysis/deploy-diff.ts) — again against the same
 * window 24 h earlier when a sequential comparison has that history (analysis/daily-cycle.ts) — and
 * join every function back to the workspace as it is now, noting what was edited since the deploy.
 */
import type { DeployDiffFunction, DeployDiffJson, FunctionDiff } from '@protocol/model';
import type { DeployDiffParams } from '@protocol/lsp';
import { applyDailyBaseline } from '../analysis/daily-cycle';
import { diffDeploy, type FunctionDiffInput, type RouteCount } from '../analysis/deploy-diff';
import type { WorkspaceIndexView } from '../index/types';
import { AMBIGUOUS_FILE, parseGroup } from '../mapping/ambiguous-group';
import type { Store } from '../store';
import type { DeployRecord, ErrorTypeCount, FunctionRollup, TimeWindow, VersionRollups } from '../store/types';
import { functionKey, type ChangedFunctions } from './changed-functions';
import { codeChanges, type CodeChangesDeps } from './code-changes';
import { chooseDeploy } from './deploy-choice';
import { changedSinceDeploy } from './changed-since';
import { routeStrata, withRouteStrata } from './function-routes';
import { mergeRollups } from './merge-rollups';
import { chooseWindows } from './windows';

export interface DeployDiffDeps extends CodeChangesDeps {
  store: Store;
  index: Pick<WorkspaceIndexView, 'symbolsIn'>;
}

/** Earlier versions whose exception types count as "seen before" for new-error-type detection. */
const ERROR_TYPE_LOOKBACK = 5;

export const NO_VERSION_NOTE =
  'spans carry no service.version, so deploys come from markers only and before/after are split by time; ' +
  'set OTEL_RESOURCE_ATTRIBUTES=service.version=<version>,vcs.ref.head.revision=<commit> on the service';

export async function computeDeployDiff(deps: DeployDiffDeps, params: DeployDiffParams, nowMs: number): Promise<DeployDiffJson | null> {
  const all = deps.store.deploys();
  const choice = chooseDeploy(all, params);
  if (!choice) return null;
  const { deploy, previous, rollback, occurrence } = choice;
  // A deploy nothing was heard from with its version (a marker, spans without service.version)
  // can only be compared by time, over the unversioned spans.
  const byVersion = deploy.spanCount > 0;
  const windows = chooseWindows(deploy, byVersion ? previous : null, nowMs);
  const unversioned = byVersion ? null : deps.store.versionRollups(deploy.service, deploy.environment, '', { fromMs: windows.before.fromMs, toMs: windows.after.toMs });
  const beforeVersion = byVersion ? previous?.version ?? null : '';
  const afterVersion = byVersion ? deploy.version : '';
  const beforeAll = beforeVersion === null ? emptyRollups() : deps.store.versionRollups(deploy.service, deploy.environment, beforeVersion, windows.before);
  const afterAll = deps.store.versionRollups(deploy.service, deploy.environment, afterVersion, windows.after);
  const ambiguous = ambiguousRoutes(beforeAll, afterAll);
  const before = withoutStandIns(beforeAll);
  const after = withoutStandIns(afterAll);
  const earlierTypes = byVersion ? earlierErrorTypes(deps.store, all, deploy) : before.errorTypes;

  const code = await codeChanges(deps, deploy, previous);
  const keys = keyToFn(before, after);
  const rollupInputs = functionInputs(before, after, earlierTypes, code.changed);
  // Per-function entry-route strata need both sides in raw spans of known versions.
  const strata = byVersion && beforeVersion !== null
    ? routeStrata({ store: deps.store, service: deploy.service, environment: deploy.environment, beforeVersion, afterVersion, before: windows.before, after: windows.after }, rollupInputs, keys)
    : { byFunction: new Map(), notes: [] };
  const functions = withRouteStrata(rollupInputs, strata);
  const primary = diffDeploy({ functions, routes: routeCounts(before, after), elapsedMs: windows.elapsedMs });
  const daily = withoutStandIns(byVersion && windows.yesterday ? servedRollups(deps.store, all, deploy, windows.yesterday) : emptyRollups());
  const report = daily.functions.length === 0 ? primary : applyDailyBaseline(primary, diffDeploy({ functions: functionInputs(daily, after, earlierTypes, code.changed), routes: routeCounts(daily, after), elapsedMs: windows.elapsedMs }));
  const notes = [...report.notes, ...strata.notes];
  if (ambiguous.length > 0) notes.push(ambiguousNote(ambiguous));
  if (!byVersion) notes.unshift(unversioned && unversioned.functions.length > 0 ? NO_VERSION_NOTE : `no spans of ${deploy.service} were recorded around this deploy marker`);
  if (rollback && previous) notes.unshift(`rollback: ${deploy.version} follows ${previous.version}`);
  else if (occurrence > 1) notes.unshift(`re-deploy: ${deploy.version} is deployed for the ${ordinal(occurrence)} time`);
  const changedSince = await changedSinceDeploy(deps, deploy, code.to);

  const { functions: judged, ...rest } = report;
  return {
    service: deploy.service,
    environment: deploy.environment,
    deploy: {
      version: deploy.version,
      commit: code.to ?? deploy.commit,
      previousVersion: previous?.version ?? null,
      previousCommit: code.from ?? previous?.commit ?? null,
      firstSeen: new Date(deploy.firstSeenMs).toISOString(),
      occurrence,
      rollback,
    },
    comparison: daily.functions.length > 0 ? `${windows.comparison}; also against the same window 24 h earlier (daily cycles)` : windows.comparison,
    report: { ...rest, notes },
    functions: judged.map((f) => joinToWorkspace(deps, f, keys, code.changed)).sort(byVerdictThenName),
    gitProblem: code.problem,
    changedSinceDeploy: changedSince,
  };
}

/**
 * Rollups of whatever versions served the service during `window` (the yesterday baseline), merged
 * per function. The deploy's own version only counts from an earlier stint.
 */
function servedRollups(store: Store, all: readonly DeployRecord[], deploy: DeployRecord, window: TimeWindow): VersionRollups {
  const versions = new Set(
    all
      .filter((d) => d.service === deploy.service && d.environment === deploy.environment && d.firstSeenMs < window.toMs && d.lastSeenMs >= window.fromMs && d.firstSeenMs < deploy.firstSeenMs)
      .map((d) => d.version),
  );
  const parts = [...versions].map((v) => store.versionRollups(deploy.service, deploy.environment, v, window));
  return parts.length === 1 ? parts[0]! : mergeRollups(parts);
}

/**
 * Calls of an ambiguous route are stored on a stand-in for its candidate handlers
 * (mapping/ambiguous-group.ts). A verdict on the stand-in would blame no function in particular,
 * and spreading it onto every candidate would blame some wrongly, so the diff leaves them out and
 * says which routes it did not judge.
 */
function withoutStandIns(r: VersionRollups): VersionRollups {
  return {
    ...r,
    functions: r.functions.filter((f) => f.fn.file !== AMBIGUOUS_FILE),
    errorTypes: r.errorTypes.filter((t) => t.fn?.file !== AMBIGUOUS_FILE),
  };
}

/** `GET /orders/:id (2 handlers)` for each stand-in with calls on either side. */
function ambiguousRoutes(before: VersionRollups, after: VersionRollups): string[] {
  const out = new Set<string>();
  for (const f of [...before.functions, ...after.functions]) {
    if (f.fn.file !== AMBIGUOUS_FILE) continue;
    const g = parseGroup(f.fn);
    out.add(g ? `${g.route} (${g.candidates.length} handlers)` : 'a route with several handlers');
  }
  return [...out].sort();
}

function ambiguousNote(routes: readonly string[]): string {
  const shown = routes.slice(0, 5).join(', ');
  const more = routes.length > 5 ? ` and ${routes.length - 5} more` : '';
  return `${routes.length} ambiguous route${routes.length === 1 ? '' : 's'} not judged (several handlers, so their calls belong to none of them): ${shown}${more}`;
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

function emptyRollups(): VersionRollups {
  return { functions: [], routes: [], errorTypes: [] };
}

/** Exception types of the last few versions deployed before `deploy` (the new-error-type baseline). */
function earlierErrorTypes(store: Store, all: readonly DeployRecord[], deploy: DeployRecord): ErrorTypeCount[] {
  return all
    .filter((d) => d.service === deploy.service && d.environment === deploy.environment && d.firstSeenMs < deploy.firstSeenMs && d.version !== deploy.version)
    .filter((d, i, list) => list.findIndex((x) => x.version === d.version) === i)
    .slice(0, ERROR_TYPE_LOOKBACK)
    .flatMap((d) => store.versionRollups(d.service, d.environment, d.version, { fromMs: 0, toMs: 0 }).errorTypes);
}

function functionInputs(before: VersionRollups, after: VersionRollups, earlierTypes: readonly ErrorTypeCount[], changed: ChangedFunctions): FunctionDiffInput[] {
  const b = byKey(before.functions);
  const a = byKey(after.functions);
  const keys = new Set([...b.keys(), ...a.keys()]);
  const typesBefore = typesByFunction(earlierTypes);
  const typesAfter = typesByFunction(after.errorTypes);
  return [...keys].map((id) => ({
    id,
    changedInDiff: changed.has(id),
    before: side(b.get(id)),
    after: side(a.get(id)),
    errorTypesBefore: typesBefore.get(id) ?? {},
    errorTypesAfter: typesAfter.get(id) ?? {},
  }));
}

function byKey(rollups: readonly FunctionRollup[]): Map<string, FunctionRollup> {
  return new Map(rollups.map((r) => [functionKey(r.fn.file, r.fn.qualifiedName), r]));
}

function side(r: FunctionRollup | undefined): FunctionDiffInput['before'] {
  return r ? { histogram: r.histogram, requests: r.requests, errors: r.errors } : { histogram: new Map(), requests: 0, errors: 0 };
}

function typesByFunction(types: readonly ErrorTypeCount[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const t of types) {
    if (!t.fn) continue;
    const key = functionKey(t.fn.file, t.fn.qualifiedName);
    const rec = out.get(key) ?? {};
    rec[t.type] = (rec[t.type] ?? 0) + t.count;
    out.set(key, rec);
  }
  return out;
}

function routeCounts(before: VersionRollups, after: VersionRollups): RouteCount[] {
  const m = new Map<string, RouteCount>();
  const get = (route: string) => m.get(route) ?? m.set(route, { route, before: 0, after: 0 }).get(route)!;
  for (const r of before.routes) get(r.route).before += r.requests;
  for (const r of after.routes) get(r.route).after += r.requests;
  return [...m.values()];
}

function keyToFn(before: VersionRollups, after: VersionRollups): Map<string, FunctionRollup['fn']> {
  return new Map([...before.functions, ...after.functions].map((r) => [functionKey(r.fn.file, r.fn.qualifiedName), r.fn]));
}

function joinToWorkspace(
  deps: DeployDiffDeps,
  f: FunctionDiff,
  fns: Map<string, FunctionRollup['fn']>,
  changed: ChangedFunctions,
): DeployDiffFunction {
  const fn = fns.get(f.id);
  const file = fn?.file ?? '';
  const symbol = fn?.qualifiedName ?? f.id;
  // Lines come from the workspace as it is now; the stored line is the fallback for a function
  // that no longer exists here.
  const current = deps.index.symbolsIn(file).find((s) => s.qualifiedName === symbol);
  const line = (current?.startLine ?? fn?.line ?? 0) + 1;
  return { ...f, file, symbol, line, diffLines: changed.get(f.id)?.diffLines ?? [] };
}

const VERDICT_ORDER = { regressed: 0, improved: 1, unchanged: 2, insufficient: 3 } as const;

function byVerdictThenName(a: DeployDiffFunction, b: DeployDiffFunction): number {
  return VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || a.file.localeCompare(b.file) || a.symbol.localeCompare(b.symbol);
}
