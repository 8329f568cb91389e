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
