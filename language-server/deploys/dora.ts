/**
 * DORA figures for one service and environment from the deploy history (events: a rollback or a
 * re-deploy of a version counts as a deploy of its own): each deploy in the period
 * is diffed against the one before it (a failure is a deploy with a regressed function) and its
 * lead times come from the commits it first shipped, read from git when the repository has them.
 */
import type { DoraReport } from '@protocol/model';
import type { DoraParams } from '@protocol/lsp';
import { computeDora, type DoraDeploy } from '../analysis/dora';
import { durationMs } from '../duration';
import { commitOf } from './code-changes';
import { chooseDeploy, deployAddress, occurrenceOf, previousOf } from './deploy-choice';
import { computeDeployDiff, type DeployDiffDeps } from './deploy-diff';
import type { Git } from './git';

/** Deploys diffed per request at most; older ones in a long period count without a verdict. */
const MAX_DIFFED = 200;

export async function computeDoraReport(deps: DeployDiffDeps, params: DoraParams, nowMs: number): Promise<DoraReport | null> {
  const periodMs = durationMs(params.period ?? '30d');
  const latest = chooseDeploy(deps.store.deploys(), params);
  if (!latest) return null;
  const { service, environment } = latest.deploy;
  const all = deps.store.deploys({ service, environment });
  const from = nowMs - periodMs;
  const git = await deps.git().catch(() => null);
  const deploys: DoraDeploy[] = [];
  for (const d of all) {
    const inPeriod = d.firstSeenMs >= from;
    const diff = inPeriod && deploys.length < MAX_DIFFED ? await computeDeployDiff(deps, { service, environment, version: deployAddress(all, d) }, nowMs) : null;
    deploys.push({
      version: d.version,
      deployedAt: d.firstSeenMs,
      // A rollback or re-deploy ships commits production has run before: no new lead times.
      commitTimes: inPeriod && git && occurrenceOf(all, d) === 1 ? await commitTimes(git, d, previousOf(all, d)) : [],
      failed: (diff?.report.summary.regressed ?? 0) > 0,
    });
  }
  return computeDora({ deploys, from, to: nowMs });
}

/** Commit times of what this deploy shipped that the previous one did not; none when git cannot say. */
async function commitTimes(git: Git, d: Parameters<typeof commitOf>[0], previous: Parameters<typeof commitOf>[0] | null): Promise<number[]> {
  const to = commitOf(d);
  if (to === null) return [];
  try {
    const toSha = await git.resolveCommit(to, d);
    const fromName = previous ? commitOf(previous) : null;
    const fromSha = fromName === null ? null : await git.resolveCommit(fromName, previous!);
    // Without a previous commit only the deployed commit itself is known to be new.
    return fromSha === null ? (await git.commitTimes(null, toSha)).slice(0, 1) : git.commitTimes(fromSha, toSha);
  } catch {
    return [];
  }
}
