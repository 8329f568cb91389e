/**
 * One `GET /v1/pull` round trip against the collector: builds the request, maps every failure to a
 * typed error, and checks the answer against the contract in protocol/collector.ts before anything
 * in it is used.
 */
import { PULL_CONTENT_TYPE, PULL_HEADERS, PULL_LIMITS } from '@protocol/collector';
import { parseFrames, PullFormatError, type Frame } from './frames';
import {
  CollectorHttpError,
  CollectorUnauthorizedError,
  CollectorUnreachableError,
  PullAbortedError,
  PullMalformedError,
} from './pull-errors';

export interface PullClientOptions {
  /** The collector's base URL, e.g. `http://127.0.0.1:4318`. */
  url: string;
  /** Bearer token for the pull endpoint; empty or absent sends none. */
  token?: string;
  /** Extra time beyond the long-poll wait before a silent collector counts as unreachable. */
  graceMs?: number;
}

export interface PullParams {
  /** Decimal batch sequence number to pull after; null or absent pulls from the oldest retained batch. */
  cursor?: string | null;
  max?: number;
  /** Long-poll: how long the collector may hold the request when nothing is new. */
  waitMs?: number;
  signal?: AbortSignal;
}

export interface PullResult {
  frames: Frame[];
  /** The cursor to commit with these frames and to send next time. */
  nextCursor: string;
  /** Batches after the requested cursor that retention removed before they were pulled (inclusive). */
  gap?: { from: string; to: string };
  /** Newest durable batch at the collector. */
  headCursor?: string;
  /** Oldest batch the collector still retains. */
  oldestCursor?: string;
}

const CURSOR_PATTERN = /^\d{1,20}$/;
const MAX_SERVER_MESSAGE = 500;

export class PullClient {
  readonly url: string;
  private readonly endpoint: URL;
  private readonly token: string;
  private readonly graceMs: number;

  constructor(options: PullClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    // Appending keeps a path prefix in the base URL (a collector behind a reverse proxy).
    this.endpoint = new URL(`${this.url}/v1/pull`);
    this.token = options.token ?? '';
    this.graceMs = options.graceMs ?? 10_000;
  }

  async pull(params: PullParams = {}): Promise<PullResult> {
    const cursor = params.cursor ?? null;
    if (cursor !== null && !CURSOR_PATTERN.test(cursor)) {
      throw new RangeError(`pull cursor ${JSON.stringify(cursor)} is not a decimal batch sequence number`);
    }
    const waitMs = Math.min(Math.max(0, Math.floor(params.waitMs ?? 0)), PULL_LIMITS.maxWaitMs);
    const max = Math.min(Math.max(1, Math.floor(params.max ?? PULL_LIMITS.defaultBatches)), PULL_LIMITS.maxBatches);
    const url = new URL(this.endpoint);
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    url.searchParams.set('max', String(max));
    url.searchParams.set('wait', String(waitMs));

    const response = await this.fetchWithTimeout(url, waitMs + this.graceMs, params.signal);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new CollectorUnauthorizedError(this.url, response.status, this.token !== '');
    }
    if (!response.ok) throw await this.httpError(response);
    const body = await this.readBody(response, params.signal);
    return this.parseAnswer(response.headers, body, cursor);
  }

  private async fetchWithTimeout(url: URL, timeoutMs: number, signal: AbortSignal | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const headers: Record<string, string> = { accept: PULL_CONTENT_TYPE };
    if (this.token !== '') headers['authorization'] = `Bearer ${this.token}`;
    // A pull is idempotent, so a kept-alive socket that the collector closed while it sat idle
    // (ECONNRESET on the first write) is retried once on a fresh connection before it counts.
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(url, { headers, signal: combined });
      } catch (error) {
        if (signal?.aborted === true) throw new PullAbortedError();
        if (timeout.aborted) throw new CollectorUnreachableError(this.url, `no answer within ${timeoutMs} ms`);
        const cause = networkCause(error);
        if (attempt === 0 && cause === 'ECONNRESET') continue;
        throw new CollectorUnreachableError(this.url, cause);
      }
    }
  }

  private async readBody(response: Response, signal: AbortSignal | undefined): Promise<Uint8Array> {
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (signal?.aborted === true) throw new PullAbortedError();
      throw new CollectorUnreachableError(this.url, `connection lost while reading the answer (${networkCause(error)})`);
    }
  }

  private async httpError(response: Response): Promise<CollectorHttpError> {
    let text = '';
    try {
      text = (await response.text()).trim();
    } catch {
      // The status alone still says what failed; a body lost mid-read adds nothing to act on.
    }
    return new CollectorHttpError(
      this.url,
      response.status,
      serverMessage(text),
      retryAfterMs(response.headers.get('retry-after')),
    );
  }

  private parseAnswer(headers: Headers, body: Uint8Array, cursor: string | null): PullResult {
    const contentType = headers.get('content-type') ?? '';
    if (body.byteLength > 0 && !contentType.startsWith(PULL_CONTENT_TYPE)) {
      throw new PullMalformedError(this.url, `content type ${JSON.stringify(contentType)}, expected ${PULL_CONTENT_TYPE}`);
    }
    let frames: Frame[];
    try {
      frames = parseFrames(body);
    } catch (error) {
      if (error instanceof PullFormatError) throw new PullMalformedError(this.url, error.message);
      throw error;
    }
    const nextCursor = this.cursorHeader(headers, PULL_HEADERS.nextCursor);
    if (nextCursor === undefined) throw new PullMalformedError(this.url, `no ${PULL_HEADERS.nextCursor} header`);
    this.checkOrder(frames, cursor, nextCursor);
    const result: PullResult = { frames, nextCursor };
    const gap = headers.get(PULL_HEADERS.gap);
    if (gap !== null) result.gap = this.parseGap(gap);
    const head = this.cursorHeader(headers, PULL_HEADERS.headCursor);
    if (head !== undefined) result.headCursor = head;
    const oldest = this.cursorHeader(headers, PULL_HEADERS.oldestCursor);
    if (oldest !== undefined) result.oldestCursor = oldest;
    return result;
  }

  /**
   * The frames must come after the cursor asked for, and the next cursor must cover them: otherwise
   * committing `nextCursor` would repeat or lose batches.
   */
  private checkOrder(frames: readonly Frame[], cursor: string | null, nextCursor: string): void {
    const first = frames[0];
    const last = frames[frames.length - 1];
    if (first !== undefined && cursor !== null && first.seq <= BigInt(cursor)) {
      throw new PullMalformedError(this.url, `batch ${first.seq} is not after the requested cursor ${cursor}`);
    }
    if (last !== undefined && BigInt(nextCursor) < last.seq) {
      throw new PullMalformedError(this.url, `next cursor ${nextCursor} is before the last batch sent, ${last.seq}`);
    }
  }

  private cursorHeader(headers: Headers, name: string): string | undefined {
    const value = headers.get(name);
    if (value === null) return undefined;
    const trimmed = value.trim();
    if (!CURSOR_PATTERN.test(trimmed)) {
      throw new PullMalformedError(this.url, `${name} header ${JSON.stringify(value.slice(0, 40))} is not a decimal cursor`);
    }
    return BigInt(trimmed).toString();
  }

  private parseGap(value: string): { from: string; to: string } {
    const match = /^(\d{1,20})-(\d{1,20})$/.exec(value.trim());
    if (match === null || BigInt(match[1]!) > BigInt(match[2]!)) {
      throw new PullMalformedError(this.url, `${PULL_HEADERS.gap} header ${JSON.stringify(value.slice(0, 60))} is not <from>-<to>`);
    }
    return { from: BigInt(match[1]!).toString(), to: BigInt(match[2]!).toString() };
  }
}

/**
 * Node's fetch wraps the socket error. A system code (ECONNREFUSED, ENOTFOUND) is what a user can act
 * on; undici's own codes (UND_ERR_SOCKET) mean nothing to them, so its message is used instead.
 */
function networkCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !code.startsWith('UND_ERR') ? code : cause.message;
  }
  return error.message;
}

/** The collector's message, from a JSON `{ error | message }` body or plain text, made printable. */
function serverMessage(text: string): string {
  let message = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const candidate = (parsed as Record<string, unknown>)['error'] ?? (parsed as Record<string, unknown>)['message'];
      if (typeof candidate === 'string') message = candidate;
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  // eslint-disable-next-line no-control-regex
  message = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return message.length > MAX_SERVER_MESSAGE ? `${message.slice(0, MAX_SERVER_MESSAGE)}…` : message;
}

function retryAfterMs(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
