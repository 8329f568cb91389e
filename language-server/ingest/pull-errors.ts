/**
 * What can go wrong when pulling from the collector, one class per cause, so the pull loop can map
 * each to a state and the user reads what failed and what to do.
 */

/** The collector could not be reached at all (refused, DNS, reset, timed out). */
export class CollectorUnreachableError extends Error {
  override name = 'CollectorUnreachableError';
  constructor(
    readonly url: string,
    /** A short cause such as ECONNREFUSED or "timed out after 40000 ms". */
    readonly reason: string,
  ) {
    super(`collector ${url} unreachable: ${reason}; check that it runs (prodlens collector) and the URL is right`);
  }
}

/** The collector refused the token (401 or 403). */
export class CollectorUnauthorizedError extends Error {
  override name = 'CollectorUnauthorizedError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly tokenSent: boolean,
  ) {
    super(
      `collector ${url} refused ${tokenSent ? 'the pull token' : 'a pull without a token'} (HTTP ${status}); ` +
        'set the token the collector was started with (its --token or PRODLENS_TOKEN): ' +
        'in VS Code with the Prodlens token command, on the command line with --token or PRODLENS_TOKEN',
    );
  }
}

/** Any other non-2xx answer; `serverMessage` is the collector's own explanation, capped. */
export class CollectorHttpError extends Error {
  override name = 'CollectorHttpError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly serverMessage: string,
    /** From `Retry-After` on 429/503, when the collector sent one. */
    readonly retryAfterMs: number | null,
  ) {
    super(`collector ${url} answered HTTP ${status}${serverMessage === '' ? '' : `: ${serverMessage}`}`);
  }
}

/** A 200 answer that does not follow the pull contract (headers, content type, framing). */
export class PullMalformedError extends Error {
  override name = 'PullMalformedError';
  constructor(
    readonly url: string,
    readonly problem: string,
  ) {
    super(`collector ${url} sent a malformed pull response: ${problem}; is the URL a Prodlens collector of the same version?`);
  }
}

/** The caller's signal aborted the pull (the loop is stopping). */
export class PullAbortedError extends Error {
  override name = 'PullAbortedError';
  constructor() {
    super('pull aborted');
  }
}

export type PullError =
  | CollectorUnreachableError
  | CollectorUnauthorizedError
  | CollectorHttpError
  | PullMalformedError
  | PullAbortedError;
