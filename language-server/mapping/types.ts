import type { MappedBy, UnmappedReason } from '@protocol/model';

/** A function in the workspace, as mapping results and the store name it. */
export interface FunctionRef {
  file: string;
  qualifiedName: string;
  /** 0-based declaration line in the workspace. */
  line: number;
}

/** Where one span landed, and why. */
export type SpanResolution =
  | {
      mapped: true;
      fn: FunctionRef;
      mappedBy: MappedBy;
      /** 0..1, from the signal used (1.0 code.*, 0.9 stack, 0.8 framework, 0.6 route, 0.4 name). */
      confidence: number;
      /** Human-readable, e.g. "code.function.name=OrderService.place, path suffix src/orders.ts". */
      explanation: string;
      /** Other candidates when the signal was ambiguous; the lens says "ambiguous" when non-empty. */
      alternatives: FunctionRef[];
    }
  | {
      mapped: false;
      reason: UnmappedReason;
      explanation: string;
      /** The candidates when the reason is 'ambiguous'. */
      alternatives: FunctionRef[];
    };

/** Where an exception was thrown: the innermost in-app frame's function. */
export interface ThrownHere {
  fn: FunctionRef;
  mappedBy: 'exception.stacktrace' | 'code.stacktrace' | 'dd.code_origin';
  frame: string;
}

/** The runtimes whose stack trace formats the mapper reads. */
export type StackRuntime = 'v8' | 'python' | 'java' | 'go' | 'dotnet' | 'ruby';

/** One frame of a parsed stack trace. Lines are 1-based, as runtimes print them. */
export interface StackFrame {
  /** Cleaned for reading (`OrderService.place`, `com.shop.Checkout$Cart.lambda$firstMatching$0`);
   * '' for anonymous frames. Symbol lookup derives its candidates with `lookupNames`. */
  function: string;
  /** As printed, with `file://` removed and backslashes turned into slashes; null when the runtime
   * printed no location (`Native Method`, .NET without PDBs). */
  file: string | null;
  line: number | null;
  column?: number;
  /** Not a library, runtime or framework frame by the runtime's conventions. Whether the frame maps
   * into the workspace is decided later, against the index. */
  inApp: boolean;
  /** The printed line, trimmed, for explanations. */
  raw: string;
}

/** The frames of one exception in a chain, innermost first. */
export interface ChainedFrames {
  /** 'cause': an explicit cause (Java `Caused by:`, Python `raise … from`, .NET inner exception,
   * Ruby `cause`). 'context': Python's "During handling of the above exception". */
  relation: 'cause' | 'context';
  frames: StackFrame[];
}

export interface ParsedStack {
  runtime: StackRuntime | null;
  /** The reported exception's frames, innermost first. */
  frames: StackFrame[];
  /** Chained exceptions, nearest first: `causes[0]` is the reported exception's own cause or context. */
  causes: ChainedFrames[];
}

/**
 * Abilities of the real `WorkspaceIndex` beyond `WorkspaceIndexView`, used when present: source-map
 * positions for compiled JavaScript (0-based lines in and out), and JVM class → source file lookup.
 */
export interface IndexExtras {
  originalPosition?(file: string, line: number, column?: number): { file: string; line: number } | undefined;
  filesForJavaClass?(className: string, fileName?: string): string[];
}

export type MappingIndex = import('../index/types').WorkspaceIndexView & IndexExtras;
