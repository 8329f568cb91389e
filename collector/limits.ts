/**
 * Request size limits, enforced while the body streams in: the wire size against
 * `maxBodyBytes`, and for gzip bodies the inflated size against `maxDecompressedBytes` as the
 * inflater produces it, so a gzip bomb is stopped after at most that many bytes instead of being
 * inflated whole.
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}
export class UnsupportedEncodingError extends Error {
  override name = 'UnsupportedEncodingError';
}
export class BadCompressionError extends Error {
  override name = 'BadCompressionError';
}

/** Reads the whole request body, inflating gzip, within `limits`. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'identity') {
    return Promise.reject(new UnsupportedEncodingError(`Content-Encoding "${encoding}" is not supported; send gzip or no encoding`));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
    return Promise.reject(tooLarge('the body', declared, limits.maxBodyBytes));
  }
  return encoding === 'gzip' ? readGzip(req, limits) : readPlain(req, limits.maxBodyBytes);
}

function tooLarge(what: string, size: number, max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`${what} exceeds the limit of ${max} bytes (${size}+ bytes); send smaller batches`);
}

function readPlain(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        reject(tooLarge('the body', size, max));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function readGzip(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let raw = 0;
    let inflated = 0;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      gunzip.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      raw += chunk.length;
      if (raw > limits.maxBodyBytes) fail(tooLarge('the compressed body', raw, limits.maxBodyBytes));
      else gunzip.write(chunk);
    };
    gunzip.on('data', (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > limits.maxDecompressedBytes) fail(tooLarge('the decompressed body', inflated, limits.maxDecompressedBytes));
      else chunks.push(chunk);
    });
    gunzip.once('error', (err) => fail(new BadCompressionError(`the gzip body could not be inflated: ${err.message}`)));
    gunzip.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, inflated));
    });
    req.on('data', onData);
    req.once('end', () => {
      if (!settled) gunzip.end();
    });
    req.once('error', fail);
  });
}
