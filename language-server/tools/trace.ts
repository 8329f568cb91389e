import { z } from 'zod';
import type { TraceSpan } from '@protocol/lsp';
import { criticalPath, type PathSegment } from '../analysis/critical-path';
import { ms, text, textOrNull } from './bounds';
import { defineTool, ToolInputError } from './tool';

const MAX_SPANS = 150;
const MAX_PATH = 40;
const MAX_ATTRIBUTES = 15;
/** The span list's share of the result bound: long names and attributes shorten the list instead. */
const SPANS_BUDGET_CHARS = 30_000;

const input = z
  .object({
    traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'a 32-digit hex trace id').describe('The trace id (32 hex digits), e.g. from function_outliers.'),
    attributes: z.boolean().default(false).describe('Also return up to 15 attributes per span (larger output).'),
  })
  .strict();

export const trace = defineTool({
  name: 'trace',
  title: 'One trace: span tree and critical path',
  description: [
    'The structure of one production trace from the local store: every span (service, name, timing, error, the workspace function it maps to) as a depth-first list, and its critical path — the chain of spans that determined the end-to-end duration, with each one\'s self time on that path.',
    'Use it after function_outliers to explain where a slow or failing request spent its time; speeding up spans off the critical path would not make the request faster.',
    'Units: startMs is milliseconds since the trace\'s first span; durationMs and selfMs in milliseconds. The span list is capped at 150 spans (fewer when names or attributes are long); spansOmitted says how many were left out.',
  ].join(' '),
  input,
  async run(engine, p) {
    const traceId = p.traceId.toLowerCase();
    const spans = engine.trace(traceId);
    if (spans.length === 0) throw new ToolInputError(`trace: traceId: no spans of trace ${traceId} are in the store (it may be older than retention).`);
    // Offsets from the first span, computed in nanoseconds so epoch-sized numbers lose no precision.
    const t0 = spans.reduce((min, s) => (BigInt(s.startNs) < min ? BigInt(s.startNs) : min), BigInt(spans[0]!.startNs));
    const timed = spans.map((s) => {
      const startMs = Number(BigInt(s.startNs) - t0) / 1e6;
      return { span: s, startMs, endMs: startMs + s.durationMs };
    });
    const path = criticalPath(timed.map((t) => ({ id: t.span.spanId, parentId: t.span.parentSpanId, startMs: t.startMs, endMs: t.endMs })))!;
    const onPath = new Map(path.segments.map((s) => [s.id, s]));
    const ordered = depthFirst(timed);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    return {
      traceId,
      spanCount: spans.length,
      services: [...new Set(spans.map((s) => text(s.service)))].slice(0, 20),
      durationMs: ms(path.durationMs),
      ...(path.roots > 1 ? { note: `partial trace: ${path.roots} spans have no parent in the store; the critical path starts at the longest.` } : {}),
      criticalPathOmitted: Math.max(0, path.segments.length - MAX_PATH),
      criticalPath: longestOnPath(path.segments, MAX_PATH).map((seg) => {
        const s = byId.get(seg.id)!;
        return { spanId: s.spanId, service: text(s.service, 120), name: text(s.name, 120), selfMs: ms(seg.selfMs), onPathMs: ms(seg.endMs - seg.startMs), function: codeOf(s) };
      }),
      ...withinBudget(ordered, MAX_SPANS, SPANS_BUDGET_CHARS, ({ t, depth }) => ({
        spanId: t.span.spanId,
        parentSpanId: t.span.parentSpanId,
        depth,
        service: text(t.span.service),
        name: text(t.span.name),
        startMs: ms(t.startMs),
        durationMs: ms(t.span.durationMs),
        error: t.span.error,
        ...(t.span.error ? errorOf(t.span) : {}),
        onCriticalPath: onPath.has(t.span.spanId),
        function: codeOf(t.span),
        ...(p.attributes ? { attributes: attributesOf(t.span) } : {}),
      })),
    };
  },
});

/** Items in order while they fit both the count and the character budget; says how many were left out. */
function withinBudget<T, R>(items: readonly T[], maxItems: number, budgetChars: number, render: (item: T) => R): { spans: R[]; spansOmitted: number } {
  const spans: R[] = [];
  let used = 0;
  for (const item of items.slice(0, maxItems)) {
    const r = render(item);
    used += JSON.stringify(r).length + 1;
    if (used > budgetChars) break;
    spans.push(r);
  }
  return { spans, spansOmitted: items.length - spans.length };
}

/** A long path keeps the segments with the most self time, still in path order. */
function longestOnPath(segments: PathSegment[], max: number): PathSegment[] {
  if (segments.length <= max) return segments;
  const keep = new Set([...segments].sort((a, b) => b.selfMs - a.selfMs).slice(0, max));
  return segments.filter((s) => keep.has(s));
}

type Timed = { span: TraceSpan; startMs: number; endMs: number };

/** Parents before children, siblings by start time; spans whose parent is missing start new roots. */
function depthFirst(timed: Timed[]): Array<{ t: Timed; depth: number }> {
  const ids = new Set(timed.map((t) => t.span.spanId));
  const children = new Map<string | null, Timed[]>();
  for (const t of timed) {
    const parent = t.span.parentSpanId && ids.has(t.span.parentSpanId) && t.span.parentSpanId !== t.span.spanId ? t.span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: Array<{ t: Timed; depth: number }> = [];
  const seen = new Set<string>();
  const stack: Array<{ t: Timed; depth: number }> = (children.get(null) ?? []).sort((a, b) => b.startMs - a.startMs).map((t) => ({ t, depth: 0 }));
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next.t.span.spanId)) continue;
    seen.add(next.t.span.spanId);
    out.push(next);
    const kids = (children.get(next.t.span.spanId) ?? []).sort((a, b) => b.startMs - a.startMs);
    for (const k of kids) stack.push({ t: k, depth: next.depth + 1 });
  }
  return out;
}

function codeOf(s: TraceSpan): string | null {
  return s.code ? text(`${s.code.file}:${s.code.line} ${s.code.symbol}`, 300) : null;
}

function errorOf(s: TraceSpan) {
  return {
    statusMessage: textOrNull(s.statusMessage),
    exception: s.exception ? { type: text(s.exception.type), message: text(s.exception.message) } : null,
  };
}

function attributesOf(s: TraceSpan): Record<string, string | number | boolean> {
  const entries = Object.entries(s.attributes).slice(0, MAX_ATTRIBUTES);
  return Object.fromEntries(entries.map(([k, v]) => [text(k, 100), typeof v === 'string' ? text(v) : v]));
}
