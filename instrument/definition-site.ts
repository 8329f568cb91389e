/**
 * Where a wrapped function is defined, read from a stack trace taken when it is wrapped. The call
 * of `traced(...)` sits where the function is written in practice (`export const f = traced(...)`),
 * so the caller's frame is the definition. The formatted `stack` text is parsed rather than V8's
 * structured call sites so that whatever source mapping is installed (Node's
 * `--enable-source-maps`, a test runner's) has already moved the frame to the original source.
 *
 * When the function is wrapped away from its definition (`priceCart = traced(priceCart)` after a
 * declaration, `Class.prototype.m = traced(Class.prototype.m)`), the call site is not the
 * definition. V8 keeps every function's exact source text, so the caller's file is searched for
 * it: found exactly once, its position is the definition.
 */

export interface DefinitionSite {
  /** A file system path (file: URLs are turned into paths). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

// "    at name (file:line:col)", "    at file:line:col", "    at async name (file:line:col)".
const FRAME = /^\s*at (?:.*?\()?(.+?):(\d+):(\d+)\)?\s*$/;

/** The frame just outside `below` (the API function the user called), or undefined when unreadable. */
export function definitionSite(below: Function): DefinitionSite | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 2;
    Error.captureStackTrace(holder, below);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return parseFirstFrame(holder.stack ?? '');
}

export function parseFirstFrame(stack: string): DefinitionSite | undefined {
  for (const text of stack.split('\n')) {
    const m = FRAME.exec(text);
    if (!m) continue;
    const file = toPath(m[1]!);
    if (file === undefined) return undefined;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** Frames of `eval`, `node:` internals or the REPL have no file a workspace could hold. */
function toPath(location: string): string | undefined {
  if (location.startsWith('file://')) {
    // Decoded by hand: this package imports nothing from Node so it also runs in other runtimes.
    const path = decodeURIComponent(location.slice('file://'.length));
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
  }
  if (location.startsWith('node:') || location.startsWith('eval') || location.includes('<anonymous>')) return undefined;
  return location;
}

/** Reads a source file, or undefined where there is no file system (browsers, ESM without require). */
export type ReadSource = (file: string) => string | undefined;

/**
 * The definition of `fn` in its caller's file when its source text occurs there exactly once;
 * else the call site unchanged (source-mapped frames name the original file, which does not hold
 * the compiled text, and that call site is the best there is).
 */
export function refineToDefinition(site: DefinitionSite, fn: Function, read: ReadSource): DefinitionSite {
  const source = Function.prototype.toString.call(fn);
  if (source.length < 12 || source.endsWith('{ [native code] }')) return site;
  const text = read(site.file);
  if (text === undefined) return site;
  const at = text.indexOf(source);
  if (at < 0 || text.indexOf(source, at + 1) >= 0) return site;
  return positionOf(site.file, text, at);
}

function positionOf(file: string, text: string, offset: number): DefinitionSite {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

/**
 * `readFileSync` when this runs as CommonJS in Node, with the last file kept: a module wraps its
 * functions one after another, so consecutive lookups hit the same file.
 */
export function nodeSourceReader(): ReadSource {
  const req: ((id: string) => unknown) | undefined = typeof require === 'function' ? require : undefined;
  const fs = req?.('node:fs') as { readFileSync(path: string, encoding: 'utf8'): string } | undefined;
  let last: { file: string; text: string | undefined } | undefined;
  return (file) => {
    if (!fs) return undefined;
    if (last?.file !== file) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      last = { file, text };
    }
    return last.text;
  };
}
