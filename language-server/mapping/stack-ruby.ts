/**
 * Ruby `Exception#full_message(highlight: false, order: :top)`: the first line is the innermost
 * frame followed by `: message (Class)`, then `from` lines outward. A cause is printed after its
 * exception the same way, so a frame line without `from` starts the next exception in the chain.
 * Ruby 3.4 quotes methods as `'Order#place'`; older versions as `` `place' ``.
 */
import { makeFrame } from './make-frame';
import type { ChainedFrames, ParsedStack, StackFrame } from './types';

const RUBY_FRAME = /^\s*(from )?(.+?):(\d+):in [`'](.+?)'/;

export function parseRuby(lines: readonly string[]): ParsedStack {
  const frames: StackFrame[] = [];
  const causes: ChainedFrames[] = [];
  let current = frames;
  for (const line of lines) {
    const m = RUBY_FRAME.exec(line);
    if (m === null) continue;
    if (m[1] === undefined && current.length > 0) {
      current = [];
      causes.push({ relation: 'cause', frames: current });
    }
    current.push(makeFrame('ruby', m[4]!, m[2]!, Number(m[3]), null, line));
  }
  return { runtime: 'ruby', frames, causes };
}
