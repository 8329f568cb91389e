/**
 * .NET `Exception.ToString()`: `Outer: msg ---> Inner: msg`, then the innermost exception's frames,
 * `--- End of inner exception stack trace ---`, the next one's frames, and so on out to the reported
 * exception. The words are localised (`at`/`bei`/`à`/`en`/`в`, `in`/`dans`, `line`/`Zeile`/`ligne`/
 * `línea`/`riga`/`строка`/`行`), so the frame pattern takes any word in those places, and the inner
 * exception marker is told from the async "previous location" marker by its word for "inner".
 */
import { fromOldestFirst, makeFrame } from './make-frame';
import type { ChainedFrames, ParsedStack, StackFrame } from './types';

const DOTNET_FRAME = /^\s*\S+ ([^\s(]+)\(([^)]*)\)(?: \S+ (.+):\s?\p{L}+\s?(\d+)\.?)?\s*$/u;
const MARKER = /^\s*---.*---\s*$/;
const INNER_MARKER = /inner|intern|внутрен|内部|内部例外/i;

export function parseDotnet(lines: readonly string[]): ParsedStack {
  const blocks: ChainedFrames[] = [];
  let current: StackFrame[] = [];
  for (const line of lines) {
    if (MARKER.test(line)) {
      if (INNER_MARKER.test(line)) {
        blocks.push({ relation: 'cause', frames: current });
        current = [];
      }
      continue;
    }
    const m = DOTNET_FRAME.exec(line);
    if (m === null) continue;
    const file = m[3] ?? null;
    current.push(makeFrame('dotnet', m[1]!, file, file === null ? null : Number(m[4]), null, line));
  }
  blocks.push({ relation: 'cause', frames: current });
  return fromOldestFirst('dotnet', blocks);
}
