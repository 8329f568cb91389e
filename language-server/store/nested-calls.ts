/**
 * One call, counted once. Instrumentations often emit two spans for one call of a function: the
 * SERVER span that `http.route` maps to the handler, and an INTERNAL span inside it that names the
 * same handler (`hook.callback.name` of @fastify/otel, the NestJS handler span, `code.function.name`
 * on a child). The rule: within a trace, the outermost span of a function is the call; a span whose
 * parent maps to the same function is part of that call and adds nothing to the function's rollups
 * (its raw span is still stored). Recursion through the same span chain is folded the same way.
 *
 * Children end first, so they usually arrive first, often in an earlier batch than their parent.
 * A counted span that has a parent is therefore remembered here (bounded, oldest dropped first);
 * when its parent arrives mapped to the same function, the child's contribution is taken back out
 * of its rollup rows and the parent's counted instead, so the parent's duration is the latency.
 * What cannot be taken back: a child's min/max and exemplars stay in its rows. What is not handled:
 * a parent that arrives in an earlier batch than its child (parents end last), and a child counted
 * before a restart whose parent arrives after it (memory is not persisted).
 *
 * Changes are staged during a batch and applied by `commit`, so a rolled-back transaction leaves
 * this memory as it was; staged children are already visible to the batch's later chunks.
 */

/** What a counted child added to its rollups, so it can be subtracted. */
export interface CountedSpan {
  fnId: number;
  seriesId: number;
  minute: number;
  durationUs: number;
  isError: boolean;
  confidence: number;
  ambiguous: boolean;
}

const DEFAULT_CAPACITY = 50_000;

export const callKey = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

export class NestedCalls {
  /** Counted spans that have a parent, by the parent's key. */
  private readonly byParent = new Map<string, CountedSpan[]>();
  /** Children remembered by the open transaction, by the parent's key: a later chunk of it may take them. */
  private readonly staged = new Map<string, CountedSpan[]>();
  private readonly taken = new Set<string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.byParent.size + this.staged.size;
  }

  /** The counted children of the span with this key, forgotten when the batch commits. */
  takeChildren(key: string): CountedSpan[] | undefined {
    if (this.size === 0 || this.taken.has(key)) return undefined;
    const committed = this.byParent.get(key);
    const staged = this.staged.get(key);
    const children = committed && staged ? [...committed, ...staged] : (committed ?? staged);
    if (children) this.taken.add(key);
    return children;
  }

  rememberChild(parentKey: string, child: CountedSpan): void {
    const list = this.staged.get(parentKey);
    if (list) list.push(child);
    else this.staged.set(parentKey, [child]);
  }

  commit(): void {
    for (const key of this.taken) {
      this.byParent.delete(key);
      this.staged.delete(key);
    }
    for (const [key, children] of this.staged) {
      const list = this.byParent.get(key);
      if (list) list.push(...children);
      else this.byParent.set(key, children);
    }
    // Maps iterate in insertion order, so the first keys are the oldest.
    for (const key of this.byParent.keys()) {
      if (this.byParent.size <= this.capacity) break;
      this.byParent.delete(key);
    }
    this.rollback();
  }

  rollback(): void {
    this.staged.clear();
    this.taken.clear();
  }
}
