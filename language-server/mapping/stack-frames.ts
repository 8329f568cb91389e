/**
 * Parses `exception.stacktrace` / `code.stacktrace` text from any of the runtimes Prodlens reads.
 * The runtime is recognised from the text itself (telemetry rarely says which SDK produced it),
 * checking the most distinctive formats first.
 */
import { parseDotnet } from './stack-dotnet';
import { parseGo } from './stack-go';
import { parseJava } from './stack-java';
import { parsePython } from './stack-python';
import { parseRuby } from './stack-ruby';
import { parseV8 } from './stack-v8';
import type { ParsedStack, StackFrame, StackRuntime } from './types';

export { lookupNames } from './frame-names';

const LINE_BREAK = /\r?\n/;
const PYTHON_MARK = /^(?:Traceback \(most recent call last\):|[\s|]*File "[^"]+", line \d+)/m;
const GO_MARK = /^goroutine \d+ \[|^\t\S.*\.go:\d+(?: \+0x[0-9a-f]+)?\s*$/m;
const RUBY_MARK = /:\d+:in [`']/;
const V8_MARK = /^\s*at .*:\d+:\d+\)?\s*$/m;
const JAVA_MARK = /^\s*at \S+\((?:[^():]+\.(?:java|kt|scala|groovy|clj):\d+|Native Method|Unknown Source)\)|^Caused by: /m;
const DOTNET_MARK = /^\s*\S+ [^\s(]+\([^)]*\)/m;

const PARSERS: Readonly<Record<StackRuntime, (lines: readonly string[]) => ParsedStack>> = {
  v8: parseV8,
  python: parsePython,
  java: parseJava,
  go: parseGo,
  dotnet: parseDotnet,
  ruby: parseRuby,
};

export function detectRuntime(text: string): StackRuntime | null {
  if (PYTHON_MARK.test(text)) return 'python';
  if (GO_MARK.test(text)) return 'go';
  if (RUBY_MARK.test(text)) return 'ruby';
  if (V8_MARK.test(text)) return 'v8';
  if (JAVA_MARK.test(text)) return 'java';
  if (DOTNET_MARK.test(text)) return 'dotnet';
  return null;
}

/** Frames innermost first; an unrecognised text gives no frames rather than an error, since
 * telemetry from an unknown SDK must not stop ingest. */
export function parseStackTrace(text: string): ParsedStack {
  const runtime = detectRuntime(text);
  if (runtime === null) return { runtime: null, frames: [], causes: [] };
  return PARSERS[runtime](text.split(LINE_BREAK));
}

/**
 * The exceptions to search for where the failure started, most relevant first: follow explicit
 * causes down to the root (a wrapper is re-thrown where the original was caught), but not a
 * Python "During handling" context, which is an earlier, separate failure. Then the outer
 * exceptions, in case the root cause's frames are all library frames.
 */
export function framesByRelevance(stack: ParsedStack): StackFrame[][] {
  const chain: StackFrame[][] = [stack.frames];
  for (const link of stack.causes) {
    if (link.relation !== 'cause') break;
    chain.push(link.frames);
  }
  return chain.reverse();
}
