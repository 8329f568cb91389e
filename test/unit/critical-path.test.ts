import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criticalPath, type PathSpan } from '../../language-server/analysis/critical-path';

const span = (id: string, parentId: string | null, startMs: number, endMs: number): PathSpan => ({ id, parentId, startMs, endMs });

describe('criticalPath', () => {
  it('follows sequential children and gives the gaps to the parent', () => {
    // root 0..100: a 10..40, then b 50..90; b has c 55..85.
    const path = criticalPath([span('root', null, 0, 100), span('a', 'root', 10, 40), span('b', 'root', 50, 90), span('c', 'b', 55, 85)])!;
    expect(path.segments.map((s) => [s.id, s.selfMs, s.depth])).toEqual([
      ['root', 30, 0],
      ['a', 30, 1],
      ['b', 10, 1],
      ['c', 30, 2],
    ]);
    expect(path.durationMs).toBe(100);
  });

  it('among concurrent children takes the one that finishes last, not the longest', () => {
    // Two parallel calls: fast 0..60 and slow 5..80; only the slow one decides the end.
    const path = criticalPath([span('root', null, 0, 100), span('fast', 'root', 0, 60), span('slow', 'root', 5, 80)])!;
    expect(path.segments.map((s) => s.id)).toEqual(['root', 'slow']);
    expect(path.segments[0]!.selfMs).toBe(25);
  });

  it('clips a child that outlives its parent (fire-and-forget) to the parent', () => {
    const path = criticalPath([span('root', null, 0, 50), span('async', 'root', 40, 500)])!;
    expect(path.segments).toEqual([
      { id: 'root', startMs: 0, endMs: 50, selfMs: 40, depth: 0 },
      { id: 'async', startMs: 40, endMs: 50, selfMs: 10, depth: 1 },
    ]);
  });

  it('picks the widest root of a partial trace and survives parent cycles', () => {
    const path = criticalPath([span('orphan', 'missing', 0, 10), span('root', null, 0, 30), span('x', 'y', 1, 2), span('y', 'x', 1, 2)])!;
    expect(path.rootId).toBe('root');
    expect(path.roots).toBe(2);
    expect(criticalPath([])).toBeNull();
    expect(criticalPath([span('self', 'self', 0, 5)])!.segments).toHaveLength(1);
  });

  it('self times always add up to the root duration and stay inside their spans', () => {
    const tree = fc.array(fc.tuple(fc.nat(20), fc.nat(1000), fc.nat(1000)), { minLength: 1, maxLength: 40 }).map((rows) =>
      rows.map(([parent, a, b], i) => span(`s${i}`, i === 0 ? null : `s${parent % i}`, Math.min(a, b), Math.max(a, b))),
    );
    fc.assert(
      fc.property(tree, (spans) => {
        const path = criticalPath(spans)!;
        const root = spans.find((s) => s.id === path.rootId)!;
        const total = path.segments.reduce((n, s) => n + s.selfMs, 0);
        expect(total).toBeCloseTo(root.endMs - root.startMs, 6);
        const byId = new Map(spans.map((s) => [s.id, s]));
        for (const seg of path.segments) {
          expect(seg.selfMs).toBeGreaterThanOrEqual(0);
          expect(seg.startMs).toBeGreaterThanOrEqual(byId.get(seg.id)!.startMs);
          expect(seg.endMs).toBeLessThanOrEqual(byId.get(seg.id)!.endMs);
        }
      }),
    );
  });
});
