/**
 * The pull loop: long-polls the collector from the last committed cursor and hands each answer to
 * `onBatch` (the store's transaction, which commits spans and cursor together) before
 * asking for more. The loop only moves its cursor after `onBatch` resolves, so a crash at any point
 * re-pulls from the last committed cursor: nothing is lost and nothing is counted twice.
 */
import type { ConnectionState } from '@protocol/lsp';
import type { Frame } from './frames';
import { PULL_BATCHES } from './limits';
import { Backoff, type BackoffOptions } from './backoff';
import type { PullClient, PullResult } from './pull-client';
import { CollectorHttpError, CollectorUnauthorizedError, CollectorUnreachableError, PullAbortedError, PullMalformedError } from './pull-errors';

export type PullLoopState = Exclude<ConnectionState, 'no-collector'>;

export interface PullLoopStatus {
  state: PullLoopState;
  /** One sentence for a status bar tooltip. */
  detail: string;
  /** Batches the collector holds beyond the committed cursor (0 when unknown or caught up). */
  behindBatches: number;
  /** ISO time the last non-empty batch was committed, or null. */
  lastIngestAt: string | null;
  /** The failure behind `unreachable` and `unauthorized`. */
  error?: Error;
}

export interface PulledBatch {
  /** The cursor to commit in the same transaction as these frames' spans and logs. */
  cursor: string;
  /**
   * The pulled OTLP batches, still encoded: the store decodes them one at a time inside its
   * transaction (decode.ts `decodeFrame`), so a pull's decoded spans are never all alive at once.
   */
  frames: Frame[];
  /** Batches retention removed before this loop could pull them; their spans are gone. */
  gap?: { from: string; to: string };
  /**
   * The cursor the loop abandoned because the collector no longer knew it (its spool was reset), when
   * this is the first batch since; pulling restarted from the collector's oldest batch.
   */
  cursorReset?: string;
}

export interface PullLoopOptions {
  client: PullClient;
  /** The cursor the store last committed; null pulls from the oldest batch the collector retains. */
  cursor: string | null;
  onBatch: (batch: PulledBatch) => Promise<void> | void;
  onState?: (status: PullLoopStatus) => void;
  /** Batches per pull (default PULL_BATCHES). */
  maxBatches?: number;
  /** Long-poll wait when caught up; a new batch at the collector answers the poll at once. */
  waitMs?: number;
  backoff?: Partial<BackoffOptions>;
}

/** `onBatch` failed: the store could not commit, so the loop stopped rather than lose data. */
export class BatchCommitError extends Error {
  override name = 'BatchCommitError';
  constructor(
    readonly cursor: string,
    override readonly cause: unknown,
  ) {
    super(`storing the batches up to cursor ${cursor} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class PullLoop {
  private readonly options: PullLoopOptions;
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private cursor: string | null;
  private hadData: boolean;
  private caughtUp = false;
  private lastIngestAt: string | null = null;
  private current: PullLoopStatus;
  private running: Promise<void> | null = null;
  private abandonedCursor: string | null = null;

  constructor(options: PullLoopOptions) {
    this.options = options;
    this.cursor = options.cursor;
    this.hadData = options.cursor !== null && BigInt(options.cursor) > 0n;
    this.backoff = new Backoff(options.backoff);
    this.current = { state: 'connecting', detail: `connecting to collector ${options.client.url}`, behindBatches: 0, lastIngestAt: null };
  }

  get status(): PullLoopStatus {
    return this.current;
  }

  /** The last cursor `onBatch` accepted (or the starting cursor). */
  get position(): string | null {
    return this.cursor;
  }

  /** Starts the loop once; the promise settles when it ends, rejecting with `BatchCommitError` if the store failed. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /** Aborts the in-flight long-poll or backoff wait and resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    this.emit(this.current);
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let result: PullResult;
      try {
        result = await this.options.client.pull({
          cursor: this.cursor,
          max: this.options.maxBatches ?? PULL_BATCHES,
          // Behind (or just started): pull again at once. Caught up: let the collector hold the poll.
          waitMs: this.caughtUp ? (this.options.waitMs ?? 20_000) : 0,
          signal,
        });
      } catch (error) {
        if (error instanceof PullAbortedError) break;
        if (this.isCursorAhead(error)) continue;
        await this.failed(error);
        continue;
      }
      this.backoff.reset();
      await this.deliver(result);
      this.progressed(result);
    }
  }

  private async deliver(result: PullResult): Promise<void> {
    const moved = result.nextCursor !== this.cursor;
    if (result.frames.length === 0 && !moved && result.gap === undefined) return;
    const batch: PulledBatch = { cursor: result.nextCursor, frames: result.frames };
    if (result.gap !== undefined) batch.gap = result.gap;
    if (this.abandonedCursor !== null) batch.cursorReset = this.abandonedCursor;
    try {
      await this.options.onBatch(batch);
    } catch (error) {
      throw new BatchCommitError(result.nextCursor, error);
    }
    this.cursor = result.nextCursor;
    this.abandonedCursor = null;
    if (result.frames.length > 0) {
      this.hadData = true;
      this.lastIngestAt = new Date().toISOString();
    }
  }

  private progressed(result: PullResult): void {
    const behind = result.headCursor === undefined || this.cursor === null ? 0n : BigInt(result.headCursor) - BigInt(this.cursor);
    const behindBatches = behind > 0n ? Number(behind) : 0;
    const full = result.frames.length >= (this.options.maxBatches ?? PULL_BATCHES);
    this.caughtUp = behindBatches === 0 && !full;
    const url = this.options.client.url;
    if (behindBatches > 0) {
      this.set('behind', `${behindBatches} batches behind collector ${url}; catching up`, behindBatches);
    } else if (!this.hadData && result.frames.length === 0) {
      this.set('idle', `connected to collector ${url}; no telemetry has arrived yet`, 0);
    } else {
      this.set('connected', `connected to collector ${url}; up to date`, 0);
    }
  }

  /**
   * 409 means the cursor is beyond the collector's newest batch: its spool was reset or it is another
   * collector. Its batches are all new to us, so the loop starts over from its oldest one (as the
   * collector's message advises) and tells the store through `cursorReset`.
   */
  private isCursorAhead(error: unknown): boolean {
    if (!(error instanceof CollectorHttpError) || error.status !== 409 || this.cursor === null) return false;
    this.abandonedCursor ??= this.cursor;
    const url = this.options.client.url;
    this.set('connecting', `collector ${url} does not know cursor ${this.cursor} (was it reset?); pulling from its oldest batch`, 0);
    this.cursor = null;
    this.hadData = false;
    return true;
  }

  private async failed(error: unknown): Promise<void> {
    if (!isPullFailure(error)) throw error;
    const retryAfter = error instanceof CollectorHttpError ? (error.retryAfterMs ?? 0) : 0;
    const delayMs = this.backoff.next(retryAfter);
    this.caughtUp = false;
    const retry = `retrying in ${formatDelay(delayMs)}`;
    if (error instanceof CollectorUnauthorizedError) this.set('unauthorized', `${error.message}; ${retry}`, 0, error);
    else this.set('unreachable', `${error.message}; ${retry}`, 0, error);
    await this.wait(delayMs);
  }

  private wait(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  private set(state: PullLoopState, detail: string, behindBatches: number, error?: Error): void {
    const previous = this.current;
    const next: PullLoopStatus = { state, detail, behindBatches, lastIngestAt: this.lastIngestAt };
    if (error !== undefined) next.error = error;
    this.current = next;
    // A status bar only needs changes; an unchanged "connected" after every batch would be noise.
    if (previous.state !== state || previous.detail !== detail || previous.behindBatches !== behindBatches) this.emit(next);
  }

  private emit(status: PullLoopStatus): void {
    this.options.onState?.(status);
  }
}

type PullFailure = CollectorUnreachableError | CollectorUnauthorizedError | CollectorHttpError | PullMalformedError;

function isPullFailure(error: unknown): error is PullFailure {
  return (
    error instanceof CollectorUnreachableError ||
    error instanceof CollectorUnauthorizedError ||
    error instanceof CollectorHttpError ||
    error instanceof PullMalformedError
  );
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
