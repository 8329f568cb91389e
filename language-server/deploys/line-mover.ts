/**
 * Line numbers from the deployed revision moved onto the workspace's current lines. A span's
 * `code.line.number` or a stack frame's line was written by the code at deployed commit C; when the
 * workspace has changed since, the same code sits elsewhere. `git diff --unified=0 C` against the
 * working tree, loaded once per commit, says where each old line went (unified-diff.ts `mapLine`).
 *
 * Resolution at ingest is synchronous, so loading is separate: `prepare(commit)` once a span names a
 * commit, then `move` answers from the cache. Until a commit is prepared (or when git cannot say)
 * lines are returned unchanged, which is what resolution did before.
 */
import type { CommitOwner, Git } from './git';
import { parseUnifiedDiff, mapLine, type Hunk } from './unified-diff';

interface Loaded {
  /** Hunks per workspace-relative file; files absent from the map did not change. */
  files: Map<string, Hunk[]>;
}

/** Commits kept; deploys far apart rarely need more than the last few. */
const MAX_COMMITS = 8;

export class LineMover {
  private readonly loaded = new Map<string, Loaded | null>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly git: () => Promise<Git>) {}

  /**
   * Loads the working tree's diff against `commit` (a SHA or ref as telemetry reported it). Never
   * rejects: a commit git cannot resolve is remembered as unknown and its lines stay as reported.
   */
  prepare(commit: string, owner: CommitOwner): Promise<void> {
    if (this.loaded.has(commit)) return Promise.resolve();
    const existing = this.pending.get(commit);
    if (existing) return existing;
    const p = this.load(commit, owner)
      .then((l) => this.remember(commit, l))
      .catch(() => this.remember(commit, null))
      .finally(() => this.pending.delete(commit));
    this.pending.set(commit, p);
    return p;
  }

  /** True once `prepare(commit)` has settled (loaded, or found unknown) since the last `invalidate`. */
  isPrepared(commit: string): boolean {
    return this.loaded.has(commit);
  }

  /**
   * The 0-based line in the workspace now of `line` in `file` (workspace-relative) at `commit`;
   * null when the edit since removed or rewrote that line; `line` itself when nothing is known.
   */
  move(commit: string, file: string, line: number): number | null {
    const hunks = this.loaded.get(commit)?.files.get(file);
    return hunks ? mapLine(hunks, line) : line;
  }

  /** The working tree changed (a save, a checkout): diffs are loaded again on the next prepare. */
  invalidate(): void {
    this.loaded.clear();
  }

  private async load(commit: string, owner: CommitOwner): Promise<Loaded> {
    const git = await this.git();
    const sha = await git.resolveCommit(commit, owner);
    const files = new Map<string, Hunk[]>();
    for (const f of parseUnifiedDiff(await git.diffWorkingTree(sha))) {
      const path = f.oldPath === null ? null : git.toWorkspacePath(f.oldPath);
      if (path !== null) files.set(path, f.hunks);
    }
    return { files };
  }

  private remember(commit: string, l: Loaded | null): void {
    if (this.loaded.size >= MAX_COMMITS) this.loaded.delete(this.loaded.keys().next().value!);
    this.loaded.set(commit, l);
  }
}
