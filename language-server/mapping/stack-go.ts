/**
 * Go panics and `runtime/debug.Stack()`: `goroutine N [state]:`, then two lines per frame (the
 * function with its arguments, then a tab, `file:line` and an optional `+0x…` offset). Only the
 * first goroutine is read: in a panic dump it is the one that panicked, and in `debug.Stack()` the
 * only one. `created by …` is the outermost frame (where the goroutine was started).
 */
import { makeFrame } from './make-frame';
import type { ParsedStack, StackFrame } from './types';

const GOROUTINE = /^goroutine \d+ \[/;
const GO_FUNCTION = /^(?:created by )?(\S.*?)(?:\(([^()]*)\))?(?: in goroutine \d+)?\s*$/;
const GO_LOCATION = /^\t(.+?):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;

export function parseGo(lines: readonly string[]): ParsedStack {
  const frames: StackFrame[] = [];
  let start = lines.findIndex((l) => GOROUTINE.test(l));
  start = start < 0 ? 0 : start + 1;
  let fn: string | null = null;
  let fnLine = '';
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      if (frames.length > 0) break;
      continue;
    }
    const location = GO_LOCATION.exec(line);
    if (location !== null) {
      if (fn !== null) frames.push(makeFrame('go', fn, location[1]!, Number(location[2]), null, `${fnLine.trim()} ${line.trim()}`));
      fn = null;
      continue;
    }
    const m = GO_FUNCTION.exec(line);
    fn = m === null ? null : m[1]!;
    fnLine = line;
  }
  return { runtime: 'go', frames, causes: [] };
}
