/**
 * The critical path of a trace: the chain of spans that determines its end-to-end duration, so
 * making any other span faster would not make the request faster. The standard walk (as in Jaeger
 * and Uber's CRISP): start at the root's end; repeatedly step into the child that finishes last
 * before the current point, then move the point to that child's start; time between children is the
 * parent's own (self) time. Children are first clipped to their parent's interval, so fire-and-forget
 * work that outlives its parent cannot lengthen the path.
 */

export interface PathSpan {
  id: string;
  parentId: string | null;
  startMs: number;
  endMs: number;
}

export interface PathSegment {
  id: string;
  /** The part of the span that lies on the critical path. */
  startMs: number;
  endMs: number;
  /** Time on the path spent in the span itself, not in a child on the path. */
  selfMs: number;
  depth: number;
}

export interface CriticalPath {
  rootId: string;
  /** The root's duration: the sum of every segment's selfMs. */
  durationMs: number;
  /** Root first, then in order of time. */
  segments: PathSegment[];
  /** Spans whose parent is not in the trace (a partial trace has several). */
  roots: number;
}

/** The critical path of one trace, or null for no spans. */
export function criticalPath(spans: readonly PathSpan[]): CriticalPath | null {
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string, PathSpan[]>();
  const roots: PathSpan[] = [];
  for (const s of spans) {
    if (s.parentId === null || s.parentId === s.id || !ids.has(s.parentId)) roots.push(s);
    else children.set(s.parentId, [...(children.get(s.parentId) ?? []), s]);
  }
  // The root that covers the most time stands for the request; ties go to the earliest.
  const root = roots.sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs) || a.startMs - b.startMs)[0];
  if (!root) return null;
  const segments = walk(root, root.startMs, Math.max(root.startMs, root.endMs), 0, children, new Set());
  return { rootId: root.id, durationMs: Math.max(0, root.endMs - root.startMs), segments, roots: roots.length };
}

function walk(span: PathSpan, from: number, to: number, depth: number, children: Map<string, PathSpan[]>, seen: Set<string>): PathSegment[] {
  seen.add(span.id);
  const own: PathSegment = { id: span.id, startMs: from, endMs: to, selfMs: 0, depth };
  const clipped = (children.get(span.id) ?? [])
    .filter((c) => !seen.has(c.id))
    .map((c) => ({ span: c, start: Math.max(c.startMs, from), end: Math.min(c.endMs, to) }))
    .filter((c) => c.end > c.start)
    .sort((a, b) => b.end - a.end || a.start - b.start);
  const picked: Array<{ span: PathSpan; start: number; end: number }> = [];
  let cursor = to;
  for (const c of clipped) {
    if (c.end > cursor || c.start >= cursor) continue;
    own.selfMs += cursor - c.end;
    picked.push(c);
    cursor = c.start;
    if (cursor <= from) break;
  }
  own.selfMs += Math.max(0, cursor - from);
  const out = [own];
  for (const c of picked.reverse()) out.push(...walk(c.span, c.start, c.end, depth + 1, children, seen));
  return out;
}
