/**
 * Node/V8 `Error.stack`: a header, then `at fn (file:line:col)` or `at file:line:col`, innermost
 * first. `async` frames come after an await; native frames (`Array.map (<anonymous>)`,
 * `Promise.all (index 0)`) carry no location and are dropped.
 */
import { makeFrame } from './make-frame';
import type { ParsedStack, StackFrame } from './types';

const V8_FRAME = /^\s*at (?:async )?(?:([^()]+?) \()?((?:node:|file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?\s*$/;
const AS_ALIAS = / \[as [^\]]+\]$/;

export function parseV8(lines: readonly string[]): ParsedStack {
  const frames: StackFrame[] = [];
  for (const line of lines) {
    const m = V8_FRAME.exec(line);
    if (m === null) continue;
    const fn = (m[1] ?? '').replace(AS_ALIAS, '');
    const name = fn === 'Object.<anonymous>' ? '' : fn;
    frames.push(makeFrame('v8', name, m[2]!, Number(m[3]), Number(m[4]), line));
  }
  return { runtime: 'v8', frames, causes: [] };
}
