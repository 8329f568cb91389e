/**
 * "Changed since deployed": functions whose body in the workspace now (the index, which follows the
 * editor) differs from the deployed commit. Their production numbers describe other code, so the
 * lens says so (`· changed since 1.4.2`). Only files git reports as different are parsed at the
 * commit; a function is changed when its body hash differs or it did not exist there.
 */
import { languageForFile } from '../index/parsers';
import { pythonModulePath } from '../index/python-module';
import type { SymbolDef } from '../index/types';
import type { DeployRecord } from '../store/types';
import { commitOf, type CodeChangesDeps } from './code-changes';
import { GitError } from './git';

export interface ChangedSinceDeps extends CodeChangesDeps {
  index: { symbolsIn(file: string): readonly SymbolDef[] };
}

/** Files parsed at most per call: a deploy far behind the workspace is summarised, not re-parsed whole. */
const MAX_FILES = 200;

export async function changedSinceDeploy(deps: ChangedSinceDeps, deploy: DeployRecord, resolved: string | null): Promise<Array<{ file: string; symbol: string }> | null> {
  const name = resolved ?? commitOf(deploy);
  if (name === null) return null;
  try {
    const git = await deps.git();
    const sha = resolved ?? (await git.resolveCommit(name, deploy));
    const out: Array<{ file: string; symbol: string }> = [];
    for (const repoPath of (await git.changedSince(sha)).slice(0, MAX_FILES)) {
      const file = git.toWorkspacePath(repoPath);
      const language = file === null ? undefined : languageForFile(file);
      if (file === null || !language) continue;
      const now = deps.index.symbolsIn(file);
      if (now.length === 0) continue;
      const text = await git.show(sha, repoPath);
      const then = text === null ? [] : await symbolsOf(deps, text, file, language);
      const hashes = new Map(then.map((s) => [s.qualifiedName, s.bodyHash]));
      for (const s of now) if (s.kind !== 'class' && hashes.get(s.qualifiedName) !== s.bodyHash) out.push({ file, symbol: s.qualifiedName });
    }
    return out;
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}

async function symbolsOf(deps: CodeChangesDeps, text: string, file: string, language: NonNullable<ReturnType<typeof languageForFile>>): Promise<SymbolDef[]> {
  const pythonModule = language === 'python' ? pythonModulePath(file, deps.isSource) : '';
  try {
    return (await deps.extractor.extract(text, { file, language, pythonModule })).symbols.map((s) => s.symbol);
  } catch {
    // A deployed revision the parser cannot read marks nothing rather than everything.
    return [];
  }
}
