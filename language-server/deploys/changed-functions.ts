/**
 * Which functions a deploy changed: the git diff between the previous deploy's commit and this
 * one's, and for each touched file the symbols of both revisions, parsed by the workspace index's
 * own extractor. A function changed when its body hash differs (or it is new); moving it without
 * editing it does not count. The diff lines inside each function are kept as the suspects.
 */
import { languageForFile } from '../index/parsers';
import { pythonModulePath } from '../index/python-module';
import type { SymbolExtractor } from '../index/symbol-extractor';
import type { SymbolDef } from '../index/types';
import type { Git } from './git';
import { parseUnifiedDiff, placeLines, type FileDiff, type Hunk } from './unified-diff';

export interface ChangedFunction {
  /** Workspace-relative path in the new revision (the old one for a removed function). */
  file: string;
  qualifiedName: string;
  change: 'modified' | 'added' | 'removed';
  /** The diff's lines inside the function, with their `-`/`+` prefix. */
  diffLines: string[];
}

/** Changed functions keyed by `functionKey(file, qualifiedName)`. */
export type ChangedFunctions = Map<string, ChangedFunction>;

export function functionKey(file: string, qualifiedName: string): string {
  return `${file}\u0000${qualifiedName}`;
}

const MAX_DIFF_LINES = 40;

/**
 * The pure half: given one file's old and new symbols and its hunks, the functions whose bodies
 * changed, with the hunk lines that fall inside each.
 */
export function touchedFunctions(file: string, oldSymbols: readonly SymbolDef[], newSymbols: readonly SymbolDef[], hunks: readonly Hunk[]): ChangedFunction[] {
  const placed = hunks.flatMap(placeLines);
  const oldByName = new Map(oldSymbols.map((s) => [s.qualifiedName, s]));
  const newNames = new Set(newSymbols.map((s) => s.qualifiedName));
  const inside = (s: SymbolDef, side: 'old' | 'new') => placed.filter((p) => p.side === side && p.line >= s.startLine && p.line <= s.endLine).map((p) => p.text);
  const out: ChangedFunction[] = [];
  for (const s of newSymbols) {
    if (s.kind === 'class') continue;
    const before = oldByName.get(s.qualifiedName);
    if (before && before.bodyHash === s.bodyHash) continue;
    const lines = [...(before ? inside(before, 'old') : []), ...inside(s, 'new')];
    out.push({ file, qualifiedName: s.qualifiedName, change: before ? 'modified' : 'added', diffLines: trimLines(lines) });
  }
  for (const s of oldSymbols) {
    if (s.kind === 'class' || newNames.has(s.qualifiedName)) continue;
    out.push({ file, qualifiedName: s.qualifiedName, change: 'removed', diffLines: trimLines(inside(s, 'old')) });
  }
  return out;
}

function trimLines(lines: string[]): string[] {
  const clipped = lines.map((l) => (l.length > 200 ? `${l.slice(0, 199)}…` : l));
  return clipped.length > MAX_DIFF_LINES ? [...clipped.slice(0, MAX_DIFF_LINES), `… ${clipped.length - MAX_DIFF_LINES} more lines`] : clipped;
}

export interface ChangedFunctionsDeps {
  git: Git;
  extractor: SymbolExtractor;
  /** Whether a workspace-relative file is a source file of the workspace (for Python module paths). */
  isSource: (file: string) => boolean;
}

/** Runs the diff between two resolved commits and maps its hunks to functions. */
export async function changedFunctions(deps: ChangedFunctionsDeps, from: string, to: string): Promise<ChangedFunctions> {
  const files = parseUnifiedDiff(await deps.git.diff(from, to));
  const out: ChangedFunctions = new Map();
  for (const f of files) {
    for (const c of await changedInFile(deps, f, from, to)) out.set(functionKey(c.file, c.qualifiedName), c);
  }
  return out;
}

async function changedInFile(deps: ChangedFunctionsDeps, f: FileDiff, from: string, to: string): Promise<ChangedFunction[]> {
  const repoPath = f.newPath ?? f.oldPath;
  const file = repoPath === null ? null : deps.git.toWorkspacePath(repoPath);
  const language = file === null ? undefined : languageForFile(file);
  if (file === null || !language) return [];
  const symbolsAt = async (commit: string, path: string | null): Promise<SymbolDef[]> => {
    if (path === null) return [];
    const text = await deps.git.show(commit, path);
    if (text === null) return [];
    const pythonModule = language === 'python' ? pythonModulePath(file, deps.isSource) : '';
    try {
      const { symbols } = await deps.extractor.extract(text, { file, language, pythonModule });
      return symbols.map((s) => s.symbol);
    } catch {
      // A revision the parser cannot read adds no functions; the rest of the diff still counts.
      return [];
    }
  };
  const [oldSymbols, newSymbols] = await Promise.all([symbolsAt(from, f.oldPath), symbolsAt(to, f.newPath)]);
  return touchedFunctions(file, oldSymbols, newSymbols, f.hunks);
}
