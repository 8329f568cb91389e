/**
 * Calls of a route that several handlers register (the same Express route in two services of one
 * workspace, two Flask apps with one rule) cannot be given to one of them. They are stored on a
 * virtual function that stands for the group, so its rollups hold exactly the ambiguous calls:
 * nothing is counted twice and nothing is silently given to the first candidate. When the lenses,
 * hovers and the report ask, the group's figures are shown on every candidate as an
 * `AmbiguousShare`.
 *
 * The virtual function lives in the file `(ambiguous)` (no workspace path can be that) and its
 * qualified name is the JSON `[route, [file, symbol], …]`, so the candidates can be read back from
 * the store without any other table.
 */
import type { AmbiguousShare, FunctionStats } from '@protocol/model';
import type { WorkspaceIndexView } from '../index/types';
import type { FunctionRef } from './types';

export const AMBIGUOUS_FILE = '(ambiguous)';

export interface AmbiguousGroup {
  route: string;
  candidates: Array<Pick<FunctionRef, 'file' | 'qualifiedName'>>;
}

/** The virtual function for `route`'s candidates; the same candidates always give the same ref. */
export function groupRef(route: string, candidates: ReadonlyArray<Pick<FunctionRef, 'file' | 'qualifiedName'>>): FunctionRef {
  const key = JSON.stringify([route, ...candidates.map((c) => [c.file, c.qualifiedName])]);
  return { file: AMBIGUOUS_FILE, qualifiedName: key, line: 0 };
}

/** The group a virtual function stands for; null for ordinary functions and malformed names. */
export function parseGroup(ref: { file: string; qualifiedName: string }): AmbiguousGroup | null {
  if (ref.file !== AMBIGUOUS_FILE) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(ref.qualifiedName);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') return null;
  const candidates: AmbiguousGroup['candidates'] = [];
  for (const c of parsed.slice(1)) {
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string') return null;
    candidates.push({ file: c[0], qualifiedName: c[1] });
  }
  return { route: parsed[0], candidates };
}

/**
 * `rows` with the group rows taken out and their figures put on each candidate (limited to
 * `file` when given). A candidate without calls of its own gets a row with zero own requests.
 * Candidates the index no longer has are left out; lines are the workspace's current ones.
 */
export function withAmbiguity(rows: readonly FunctionStats[], groups: readonly FunctionStats[], index: Pick<WorkspaceIndexView, 'symbolsIn'>, file?: string): FunctionStats[] {
  const out = rows.filter((r) => r.file !== AMBIGUOUS_FILE);
  const byKey = new Map(out.map((r) => [`${r.file}\0${r.symbol}`, r]));
  for (const g of groups) {
    const group = parseGroup({ file: g.file, qualifiedName: g.symbol });
    if (!group) continue;
    const candidates = group.candidates.flatMap((c) => {
      const line = currentLine(index, c.file, c.qualifiedName);
      return line === undefined ? [] : [{ file: c.file, symbol: c.qualifiedName, line }];
    });
    candidates.forEach((c, i) => {
      if (file !== undefined && c.file !== file) return;
      const share = shareOf(g, group.route, i + 1, candidates);
      const key = `${c.file}\0${c.symbol}`;
      const own = byKey.get(key);
      // A function in two ambiguous groups shows the busier one.
      if (own?.ambiguity && own.ambiguity.requests >= share.requests) return;
      const row = own ? { ...own, ambiguous: true, ambiguity: share } : emptyRow(c.file, c.symbol, c.line, g, share);
      byKey.set(key, row);
      if (own) out[out.indexOf(own)] = row;
      else out.push(row);
    });
  }
  return out;
}

function currentLine(index: Pick<WorkspaceIndexView, 'symbolsIn'>, file: string, symbol: string): number | undefined {
  const s = index.symbolsIn(file).find((d) => d.qualifiedName === symbol);
  return s === undefined ? undefined : s.startLine + 1;
}

function shareOf(g: FunctionStats, route: string, position: number, candidates: AmbiguousShare['candidates']): AmbiguousShare {
  return {
    route,
    position,
    candidates,
    requests: g.requests,
    errors: g.errors,
    ratePerMin: g.ratePerMin,
    errorRate: g.errorRate,
    p50Ms: g.p50Ms,
    p95Ms: g.p95Ms,
    p99Ms: g.p99Ms,
  };
}

function emptyRow(file: string, symbol: string, line: number, g: FunctionStats, share: AmbiguousShare): FunctionStats {
  return {
    file,
    symbol,
    line,
    requests: 0,
    errors: 0,
    thrownHere: 0,
    ratePerMin: 0,
    errorRate: null,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    mappedBy: g.mappedBy,
    confidence: g.confidence,
    ambiguous: true,
    ambiguity: share,
  };
}
