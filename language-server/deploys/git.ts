/**
 * The workspace's git repository, run as the real `git` binary: `execFile` with an argument array
 * (never a shell), commits from telemetry checked before they reach the command line, and output
 * checked before it is used. Commit names come from span attributes and deploy markers, which any
 * client can set, so nothing here lets such a string become an option or a revision range.
 */
import { execFile } from 'node:child_process';

/** Something git could not do; the message says what and what to do about it. */
export class GitError extends Error {
  override name = 'GitError';
}

/** The workspace is not in a git repository, or git is not installed. */
export class GitUnavailableError extends GitError {
  override name = 'GitUnavailableError';
}

/** A deploy's commit is not in this clone. */
export class GitCommitMissingError extends GitError {
  override name = 'GitCommitMissingError';
}

/** A commit name that is neither a hex object name nor a plain ref name. */
export class GitCommitNameError extends GitError {
  override name = 'GitCommitNameError';
}

/** Who deployed the commit, so a missing-commit message can name the deploy. */
export interface CommitOwner {
  service: string;
  version: string;
}

const HEX_COMMIT = /^[0-9a-f]{7,64}$/;
const FULL_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** Branch and tag names as deploy markers might use them; no leading dash, no `..` ranges. */
const REF_NAME = /^(?!-)(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
const MAX_OUTPUT = 64 * 1024 * 1024;

export class Git {
  private shallow: Promise<boolean> | undefined;

  private constructor(
    /** The repository's top-level directory. */
    readonly top: string,
    /** The workspace's path inside the repository, '' or ending in '/'. */
    readonly prefix: string,
  ) {}

  /** The repository that holds `root`; throws GitUnavailableError when there is none. */
  static async open(root: string): Promise<Git> {
    let out: string;
    try {
      out = await runGit(root, ['rev-parse', '--show-toplevel', '--show-prefix']);
    } catch (err) {
      throw new GitUnavailableError(`${root} is not in a git repository (or git is not installed): ${firstLine(err)}; open the service's clone to link deploys to code`);
    }
    const [top, prefix = ''] = out.split('\n');
    if (!top) throw new GitUnavailableError(`git rev-parse gave no top-level directory for ${root}`);
    return new Git(top, prefix.trim());
  }

  isShallow(): Promise<boolean> {
    this.shallow ??= this.run(['rev-parse', '--is-shallow-repository']).then((s) => s.trim() === 'true');
    return this.shallow;
  }

  /** The full object name of a deployed commit, or a GitCommitMissingError naming the deploy. */
  async resolveCommit(commit: string, owner: CommitOwner): Promise<string> {
    if (!HEX_COMMIT.test(commit) && !REF_NAME.test(commit)) {
      throw new GitCommitNameError(`commit "${printable(commit)}" of ${owner.service} ${owner.version} is not a commit hash or ref name; set vcs.ref.head.revision to the full SHA`);
    }
    let out: string;
    try {
      out = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^{commit}`]);
    } catch {
      const shallow = await this.isShallow().catch(() => false);
      const fetch = shallow ? `this clone is shallow; fetch the history: git fetch --unshallow` : `fetch it: git fetch origin ${commit}`;
      throw new GitCommitMissingError(`commit ${commit} of ${owner.service} ${owner.version} is not in this repository; ${fetch}`);
    }
    const sha = out.trim();
    if (!FULL_SHA.test(sha)) throw new GitError(`git rev-parse answered "${printable(sha)}" for ${commit}, not an object name`);
    return sha;
  }

  /** `git diff --unified=0 A B` limited to the workspace folder; A and B must be resolved names. */
  diff(from: string, to: string): Promise<string> {
    assertSha(from);
    assertSha(to);
    return this.run(['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', from, to, '--', this.prefix === '' ? '.' : this.prefix]);
  }

  /**
   * `git diff --unified=0 C` against the working tree (tracked files, uncommitted edits included),
   * limited to the workspace folder, or to one repository-relative file.
   */
  diffWorkingTree(commit: string, repoPath?: string): Promise<string> {
    assertSha(commit);
    return this.run(['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', commit, '--', repoPath ?? (this.prefix === '' ? '.' : this.prefix)]);
  }

  /** Repository-relative paths of tracked files in the workspace folder that differ from `commit` now. */
  async changedSince(commit: string): Promise<string[]> {
    assertSha(commit);
    const out = await this.run(['diff', '--name-only', '--no-renames', '-z', commit, '--', this.prefix === '' ? '.' : this.prefix]);
    return out.split('\0').filter((p) => p !== '');
  }

  /** A file's text at a commit (repository-relative path), or null when it did not exist there. */
  async show(commit: string, repoPath: string): Promise<string | null> {
    assertSha(commit);
    try {
      return await this.run(['show', `${commit}:${repoPath}`]);
    } catch {
      return null;
    }
  }

  /** Commit times (ms) of the commits in `to` that are not in `from` (all of `to`'s history when from is null). */
  async commitTimes(from: string | null, to: string): Promise<number[]> {
    assertSha(to);
    if (from !== null) assertSha(from);
    const out = await this.run(['log', '--format=%ct', '--max-count=10000', from === null ? to : `${from}..${to}`]);
    return out
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map((l) => Number(l) * 1000);
  }

  /** The workspace-relative path of a repository path, or null outside the workspace. */
  toWorkspacePath(repoPath: string): string | null {
    if (!repoPath.startsWith(this.prefix)) return null;
    return repoPath.slice(this.prefix.length);
  }

  toRepoPath(workspacePath: string): string {
    return this.prefix + workspacePath;
  }

  private run(args: string[]): Promise<string> {
    return runGit(this.top, args);
  }
}

function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: MAX_OUTPUT, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new GitError(`git ${args[0]} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

function assertSha(sha: string): void {
  if (!FULL_SHA.test(sha)) throw new GitCommitNameError(`"${printable(sha)}" is not a resolved commit; resolve it with resolveCommit first`);
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
