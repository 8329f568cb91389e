import { isLibraryFrame } from './in-app';
import type { ChainedFrames, ParsedStack, StackFrame, StackRuntime } from './types';

const FILE_URL = /^file:\/\//;

/** A telemetry path in the form the index matches against: forward slashes, no `file://`. */
export function cleanPath(file: string): string {
  let path = file;
  if (FILE_URL.test(path)) {
    path = path.replace(FILE_URL, '');
    if (path.includes('%')) path = safeDecode(path);
  }
  return path.includes('\\') ? path.replaceAll('\\', '/') : path;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function makeFrame(
  runtime: StackRuntime,
  fn: string,
  rawFile: string | null,
  line: number | null,
  column: number | null,
  raw: string,
): StackFrame {
  const file = rawFile === null ? null : cleanPath(rawFile);
  const frame: StackFrame = { function: fn, file, line, inApp: !isLibraryFrame(runtime, fn, file), raw: raw.trim() };
  if (column !== null) frame.column = column;
  return frame;
}

/**
 * Builds a ParsedStack from exception blocks listed oldest cause first (Python's and .NET's printing
 * order), each block's frames already innermost first; the last block is the reported exception.
 */
export function fromOldestFirst(runtime: StackRuntime, blocks: ChainedFrames[]): ParsedStack {
  const last = blocks[blocks.length - 1];
  if (last === undefined) return { runtime, frames: [], causes: [] };
  // Each block's relation describes how it relates to the block printed after it.
  const causes = blocks.slice(0, -1).reverse();
  return { runtime, frames: last.frames, causes };
}
