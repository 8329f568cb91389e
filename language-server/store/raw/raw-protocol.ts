import type { ExceptionInfo } from '../../ingest/span';

/** `workerData` of a raw writer thread, so importing its module anywhere else does nothing. */
export const RAW_WRITER = 'prodlens-raw-writer';

/** fnIds entry of a span that maps to no function. */
export const NO_FUNCTION = -1;

/**
 * Main thread → raw writer. A pull is its frames, then `commit` or `rollback`; the writer opens its
 * transaction at the first frame. `fnIds` and `seriesIds` hold, in decode order, what the main
 * thread mapped each span of the frame to (the writer decodes the same bytes the same way).
 */
export type RawRequest =
  | { op: 'frame'; seq: string; payload: Uint8Array; fnIds: Int32Array; seriesIds: Int32Array }
  | { op: 'attach'; traceId: string; spanId: string; exception: ExceptionInfo }
  | { op: 'commit'; cursor: string | null }
  | { op: 'rollback' };

/** Raw writer → main thread, one per `commit` or `rollback`, in order. */
export type RawReply = { op: 'done'; spans: number } | { op: 'failed'; message: string };
