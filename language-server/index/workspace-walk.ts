/**
 * Lists what the index needs from a workspace folder: source files to parse, compiled JavaScript
 * and source maps in output folders (used for path mapping, never parsed for symbols), and go.mod
 * files. Dependency, VCS and cache folders are skipped whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageForFile } from './parsers';

/** Folders that never hold the user's own code. Dot-folders (`.git`, `.venv`, `.next`) also. */
const SKIPPED_DIRS = new Set(['node_modules', 'vendor', 'venv', '__pycache__', 'target', 'bower_components', 'coverage']);

/** Folders of compiled output: their `.js` and `.map` files serve path mapping only. */
const OUTPUT_DIRS = new Set(['dist', 'build', 'out']);

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface WalkOptions {
  /** Globs over workspace-relative paths (`**` any folders, `*` within one segment), or folder names. */
  exclude?: readonly string[];
  maxFileBytes?: number;
}

export interface WalkResult {
  /** Workspace-relative paths with forward slashes. */
  sources: string[];
  compiled: string[];
  sourceMaps: string[];
  goMods: string[];
  /** Files over the size cap, so a user can be told why a file has no lenses. */
  tooLarge: string[];
}

/** Decides which workspace-relative paths are indexed; shared by the walk and by `updateFile`. */
export class PathFilter {
  private readonly patterns: RegExp[];

  constructor(exclude: readonly string[] = []) {
    this.patterns = exclude.map(globToRegExp);
  }

  isExcluded(rel: string): boolean {
    const segments = rel.split('/');
    for (let i = 0; i < segments.length - 1; i++) {
      const s = segments[i]!;
      if (s.startsWith('.') || SKIPPED_DIRS.has(s)) return true;
    }
    return this.patterns.some((p) => p.test(rel));
  }

  /** True when a segment above the file is an output folder (`dist/orders.js`). */
  isCompiledOutput(rel: string): boolean {
    const segments = rel.split('/');
    return segments.slice(0, -1).some((s) => OUTPUT_DIRS.has(s));
  }
}

/**
 * `**` matches any number of segments, `*` and `?` stay within one; a pattern without a slash
 * matches a file or folder of that name at any depth (`generated`, `*.min.js`).
 */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      re += g[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += g[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return g.includes('/') ? new RegExp(`^${re}(?:/.*)?$`) : new RegExp(`(?:^|/)${re}(?:/.*)?$`);
}

export function walkWorkspace(root: string, options: WalkOptions = {}): WalkResult {
  const filter = new PathFilter(options.exclude);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const result: WalkResult = { sources: [], compiled: [], sourceMaps: [], goMods: [], tooLarge: [] };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue; // A folder removed or unreadable mid-walk is not the user's error to fix.
    }
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name) && !filter.isExcluded(`${rel}/x`)) pending.push(rel);
      } else if (entry.isFile()) {
        classify(root, rel, filter, maxBytes, result);
      }
    }
  }
  return result;
}

function classify(root: string, rel: string, filter: PathFilter, maxBytes: number, out: WalkResult): void {
  if (filter.isExcluded(rel)) return;
  if (rel.endsWith('.map')) {
    out.sourceMaps.push(rel);
    return;
  }
  if (rel.endsWith('/go.mod') || rel === 'go.mod') {
    out.goMods.push(rel);
    return;
  }
  const language = languageForFile(rel);
  if (!language) return;
  if (filter.isCompiledOutput(rel)) {
    if (language === 'javascript') out.compiled.push(rel);
    return;
  }
  let size: number;
  try {
    size = fs.statSync(path.join(root, rel)).size;
  } catch {
    return;
  }
  if (size > maxBytes) out.tooLarge.push(rel);
  else out.sources.push(rel);
}
