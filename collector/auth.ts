/**
 * Bearer-token checks. Both sides are hashed to a fixed length first so `timingSafeEqual` can
 * compare them without leaking the token's length or contents through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A token checker; `check` takes the raw `Authorization` header value. */
export class BearerAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    if (token.length === 0) throw new Error('a bearer token must not be empty');
    this.expected = digest(token);
  }

  check(header: string | undefined): boolean {
    if (!header) return false;
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!m) return false;
    return timingSafeEqual(digest(m[1]!), this.expected);
  }
}
