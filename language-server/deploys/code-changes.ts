/**
 * Links two deploys to the workspace's code: resolves their commits in the repository and computes
 * the changed functions between them. Any failure (no repository, no commit recorded, a commit the
 * clone lacks, a shallow clone) becomes one sentence in `problem`; the statistics never depend on it.
 */
import type { SymbolExtractor } from '../index/symbol-extractor';
import type { DeployRecord } from '../store/types';
import { changedFunctions, type ChangedFunctions } from './changed-functions';
import { Git, GitError } from './git';

export interface CodeChanges {
  changed: ChangedFunctions;
  /** Why the diff could not be computed, or null. */
  problem: string | null;
  /** Resolved commits, when they were. */
  from: string | null;
  to: string | null;
}

export interface CodeChangesDeps {
  /** The workspace's repository (opened once, lazily); rejects when there is none. */
  git: () => Promise<Git>;
  extractor: SymbolExtractor;
  isSource: (file: string) => boolean;
}

const SHA_LIKE = /^[0-9a-f]{7,40}$/;

/** A deploy's commit: the recorded one, else a version that is itself a commit hash (reference §2.3). */
export function commitOf(d: DeployRecord): string | null {
  if (d.commit) return d.commit;
  return SHA_LIKE.test(d.version) ? d.version : null;
}

export async function codeChanges(deps: CodeChangesDeps, deploy: DeployRecord, previous: DeployRecord | null): Promise<CodeChanges> {
  const none = (problem: string): CodeChanges => ({ changed: new Map(), problem, from: null, to: null });
  if (!previous) return none(`no deploy of ${deploy.service} before ${deploy.version} is known, so there is no diff to show`);
  const toName = commitOf(deploy);
  const fromName = commitOf(previous);
  const missing = [toName === null ? deploy : null, fromName === null ? previous : null].filter((d): d is DeployRecord => d !== null);
  if (missing.length > 0) {
    return none(
      `no commit recorded for ${missing.map((d) => `${d.service} ${d.version}`).join(' and ')}; set OTEL_RESOURCE_ATTRIBUTES=vcs.ref.head.revision=<sha> on the service or send the commit with the deploy marker`,
    );
  }
  try {
    const git = await deps.git();
    const to = await git.resolveCommit(toName!, deploy);
    const from = await git.resolveCommit(fromName!, previous);
    const changed = await changedFunctions({ git, extractor: deps.extractor, isSource: deps.isSource }, from, to);
    return { changed, problem: null, from, to };
  } catch (err) {
    if (err instanceof GitError) return none(err.message);
    throw err;
  }
}
