/**
 * JVM `Throwable.printStackTrace()` (and Logback's variant with `~[jar:version]` suffixes): the
 * reported exception first, then each `Caused by:` nearest first. `Suppressed:` blocks are skipped:
 * they are other failures, not where this one came from. Frames keep module prefixes out
 * (`java.base/`, `app//`).
 */
import { makeFrame } from './make-frame';
import type { ChainedFrames, ParsedStack, StackFrame } from './types';

const JAVA_FRAME =
  /^(\s*)at (?:[\w.-]*(?:@[^\s/]*)?\/{1,2})?([^\s(/]+(?:\/0x[0-9a-f]+)?[^\s(]*)\((?:([^:)]+?)(?::(\d+))?)\)(?:\s+~?\[[^\]]*\])?\s*$/;
const CAUSED_BY = /^(\s*)Caused by: /;
const SUPPRESSED = /^(\s*)Suppressed: /;
const NO_SOURCE = /^(?:Native Method|Unknown Source)$/;

export function parseJava(lines: readonly string[]): ParsedStack {
  const frames: StackFrame[] = [];
  const causes: ChainedFrames[] = [];
  let current = frames;
  // Indentation of the `Suppressed:` line being skipped; deeper lines belong to it.
  let suppressedIndent = -1;
  for (const line of lines) {
    const suppressed = SUPPRESSED.exec(line);
    if (suppressed !== null) {
      if (suppressedIndent < 0) suppressedIndent = suppressed[1]!.length;
      continue;
    }
    const causedBy = CAUSED_BY.exec(line);
    if (causedBy !== null) {
      if (suppressedIndent >= 0 && causedBy[1]!.length > suppressedIndent) continue;
      suppressedIndent = -1;
      current = [];
      causes.push({ relation: 'cause', frames: current });
      continue;
    }
    const m = JAVA_FRAME.exec(line);
    if (m === null) continue;
    if (suppressedIndent >= 0) {
      if (m[1]!.length > suppressedIndent) continue;
      suppressedIndent = -1;
    }
    const file = m[3] === undefined || NO_SOURCE.test(m[3]) ? null : m[3];
    const lineNo = file === null || m[4] === undefined ? null : Number(m[4]);
    current.push(makeFrame('java', m[2]!, file, lineNo, null, line));
  }
  return { runtime: 'java', frames, causes };
}
