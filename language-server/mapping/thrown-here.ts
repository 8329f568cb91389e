/**
 * "Thrown here": the innermost in-app frame of a stack that maps onto a workspace function. Shared
 * by `exception.stacktrace` (errors), `code.stacktrace` and Datadog code-origin frames (spans).
 */
import type { ExceptionInfo } from '../ingest/span';
import { lookupNames } from './frame-names';
import { javaClassOf, locateByName, locateByPath, type DeployedLines } from './locate';
import { framesByRelevance, parseStackTrace } from './stack-frames';
import type { FunctionRef, MappingIndex, StackFrame, StackRuntime, ThrownHere } from './types';

export interface FrameHit {
  fn: FunctionRef;
  frame: StackFrame;
  detail: string;
}

/** Why no frame could be used, for the unmapped explanation. */
export interface FrameMiss {
  reason: 'no-code-signal' | 'file-not-in-workspace' | 'symbol-not-found' | 'ambiguous';
  detail: string;
  alternatives: FunctionRef[];
}

/**
 * The innermost frame whose file maps into the workspace and names a function there. Frames whose
 * file is not in the workspace are passed over (they belong to code the workspace does not hold);
 * an ambiguous frame stops the search, since attributing to an outer frame would be a guess.
 */
export function innermostWorkspaceFrame(index: MappingIndex, runtime: StackRuntime | null, frames: readonly StackFrame[], lines?: DeployedLines): FrameHit | FrameMiss {
  let miss: FrameMiss = { reason: 'no-code-signal', detail: 'no in-app frames', alternatives: [] };
  for (const frame of frames) {
    if (!frame.inApp) continue;
    const names = runtime === null ? [frame.function] : lookupNames(runtime, frame.function);
    let located;
    if (frame.file !== null) {
      const javaClass = runtime === 'java' ? javaClassOf(frame.function) : undefined;
      located = locateByPath(index, { path: frame.file, line: frame.line, column: frame.column ?? null, javaClass }, names, lines);
    } else if (names.length > 0) {
      located = locateByName(index, names);
    } else {
      continue;
    }
    if (located.kind === 'found') return { fn: located.fn, frame, detail: located.detail };
    if (located.kind === 'ambiguous') return { reason: 'ambiguous', detail: located.detail, alternatives: located.alternatives };
    // The first miss explains best: it is the frame closest to the failure.
    if (miss.reason === 'no-code-signal') miss = { reason: located.kind, detail: located.detail, alternatives: [] };
  }
  return miss;
}

export function isHit(r: FrameHit | FrameMiss): r is FrameHit {
  return 'fn' in r;
}

/**
 * Where an exception was thrown, following explicit causes to the root (see `framesByRelevance`).
 * `lines` moves the frames' lines from the deployed commit onto the workspace (locate.ts).
 */
export function thrownHere(exception: ExceptionInfo, index: MappingIndex, lines?: DeployedLines): ThrownHere | null {
  if (exception.stacktrace === '') return null;
  const stack = parseStackTrace(exception.stacktrace);
  for (const frames of framesByRelevance(stack)) {
    const r = innermostWorkspaceFrame(index, stack.runtime, frames, lines);
    if (isHit(r)) return { fn: r.fn, mappedBy: 'exception.stacktrace', frame: r.frame.raw };
    if (r.reason === 'ambiguous') return null;
  }
  return null;
}
