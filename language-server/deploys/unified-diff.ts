/**
 * `git diff --unified=0` output as data: files and their hunks, and the line arithmetic on them —
 * which old and new lines each hunk line sits on, and where an old line moved to. Everything here is
 * pure so the hunk → function mapping can be tested on its own.
 */

export interface Hunk {
  /** 1-based first old line, and how many old lines the hunk replaces (0 for a pure insertion). */
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The hunk's body lines with their `-`/`+` prefix. */
  lines: string[];
}

export interface FileDiff {
  /** Repository-relative paths; null for an added (old) or deleted (new) file. */
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
}

/** A line of a hunk with the 0-based line it sits on in the old or the new file. */
export interface PlacedLine {
  text: string;
  side: 'old' | 'new';
  line: number;
}

/** Diff text that does not have the shape git writes. */
export class DiffFormatError extends Error {
  override name = 'DiffFormatError';
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | null = null;
  let hunk: Hunk | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      file = { oldPath: null, newPath: null, hunks: [] };
      files.push(file);
      hunk = null;
    } else if (file && hunk === null && line.startsWith('--- ')) {
      file.oldPath = pathOf(line.slice(4), 'a/');
    } else if (file && hunk === null && line.startsWith('+++ ')) {
      file.newPath = pathOf(line.slice(4), 'b/');
    } else if (line.startsWith('@@')) {
      const m = HUNK_HEADER.exec(line);
      if (!file || !m) throw new DiffFormatError(`unexpected hunk header "${line.slice(0, 80)}" in git diff output`);
      hunk = { oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]), newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]), lines: [] };
      file.hunks.push(hunk);
    } else if (hunk && (line.startsWith('+') || line.startsWith('-'))) {
      hunk.lines.push(line);
    }
  }
  return files;
}

function pathOf(raw: string, prefix: string): string | null {
  if (raw === '/dev/null') return null;
  // git quotes paths with unusual characters; such files are skipped rather than guessed at.
  if (raw.startsWith('"')) return null;
  return raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
}

/** Each removed line on its 0-based old line, each added line on its 0-based new line. */
export function placeLines(h: Hunk): PlacedLine[] {
  const out: PlacedLine[] = [];
  // With a zero count git names the line before the hunk, so the first line sits one further on.
  let oldLine = (h.oldCount === 0 ? h.oldStart + 1 : h.oldStart) - 1;
  let newLine = (h.newCount === 0 ? h.newStart + 1 : h.newStart) - 1;
  for (const text of h.lines) {
    if (text.startsWith('-')) out.push({ text, side: 'old', line: oldLine++ });
    else out.push({ text, side: 'new', line: newLine++ });
  }
  return out;
}

/**
 * Where a 0-based old line is in the new file: shifted by the hunks above it, or null when the
 * hunk replaced or removed it (the line as reported no longer exists as such).
 */
export function mapLine(hunks: readonly Hunk[], oldLine: number): number | null {
  let shift = 0;
  for (const h of hunks) {
    const first = (h.oldCount === 0 ? h.oldStart + 1 : h.oldStart) - 1;
    if (h.oldCount === 0) {
      // A pure insertion after old line `oldStart` (1-based) pushes that line's successors down.
      if (oldLine >= first) shift += h.newCount;
      else break;
      continue;
    }
    if (oldLine < first) break;
    if (oldLine < first + h.oldCount) return null;
    shift += h.newCount - h.oldCount;
  }
  return oldLine + shift;
}
