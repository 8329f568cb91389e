/**
 * Python `traceback.format_exception`: oldest call first, and chained exceptions printed oldest
 * first, separated by the "direct cause" or "During handling" sentences. Source lines, 3.11+ `^^^`
 * markers and exception-group `|` borders are not frames.
 */
import { fromOldestFirst, makeFrame } from './make-frame';
import type { ChainedFrames, ParsedStack, StackFrame } from './types';

const PYTHON_FRAME = /^[\s|]*File "([^"]+)", line (\d+), in (\S.*?)\s*$/;
const DIRECT_CAUSE = 'The above exception was the direct cause of the following exception:';
const DURING_HANDLING = 'During handling of the above exception, another exception occurred:';

export function parsePython(lines: readonly string[]): ParsedStack {
  const blocks: ChainedFrames[] = [];
  let current: StackFrame[] = [];
  for (const line of lines) {
    const m = PYTHON_FRAME.exec(line);
    if (m !== null) {
      current.push(makeFrame('python', m[3]!, m[1]!, Number(m[2]), null, line));
      continue;
    }
    const trimmed = line.trim();
    const relation = trimmed === DIRECT_CAUSE ? 'cause' : trimmed === DURING_HANDLING ? 'context' : null;
    if (relation !== null) {
      blocks.push({ relation, frames: current.reverse() });
      current = [];
    }
  }
  blocks.push({ relation: 'cause', frames: current.reverse() });
  return fromOldestFirst('python', blocks);
}
