/**
 * OTLP/JSON → protobuf, once, on the way in (DESIGN.md: the spool holds protobuf only).
 *
 * The OTLP JSON mapping differs from protobuf's canonical JSON in one way that matters here:
 * trace and span ids are hex, not base64. Those are converted first; everything else (int64 as
 * string or number, enums as ints or names, lowerCamelCase field names, unknown fields ignored)
 * is what the generated module's `fromObject` already accepts.
 */
import { otlp } from './otlp-root';
import type { Signal } from './validate';

/** A JSON request that cannot be read as OTLP/JSON: answered 400 naming the problem. */
export class InvalidJsonRequestError extends Error {
  override name = 'InvalidJsonRequestError';
}

const HEX = /^[0-9a-fA-F]*$/;

/** Parses an OTLP/JSON request body and returns the same request as protobuf bytes. */
export function otlpJsonToProtobuf(signal: Signal, body: Buffer): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new InvalidJsonRequestError(`the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(parsed)) throw new InvalidJsonRequestError('the body must be a JSON object such as {"resourceSpans": [...]}');
  if (signal === 'traces') convertTraceIds(parsed);
  else convertLogIds(parsed);
  const type = signal === 'traces' ? otlp.traceRequest : otlp.logsRequest;
  try {
    return Buffer.from(type.encode(type.fromObject(parsed)).finish());
  } catch (err) {
    // fromObject names the field, e.g. ".opentelemetry.proto.trace.v1.ScopeSpans.spans: array expected".
    throw new InvalidJsonRequestError(`the body does not follow the OTLP JSON schema: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function each(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function convertTraceIds(request: Record<string, unknown>): void {
  each(request['resourceSpans']).forEach((rs, r) =>
    each(rs['scopeSpans']).forEach((ss, s) =>
      each(ss['spans']).forEach((span, i) => {
        const where = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        hexField(span, 'traceId', where);
        hexField(span, 'spanId', where);
        hexField(span, 'parentSpanId', where);
        each(span['links']).forEach((link, l) => {
          hexField(link, 'traceId', `${where}.links[${l}]`);
          hexField(link, 'spanId', `${where}.links[${l}]`);
        });
      }),
    ),
  );
}

function convertLogIds(request: Record<string, unknown>): void {
  each(request['resourceLogs']).forEach((rl, r) =>
    each(rl['scopeLogs']).forEach((sl, s) =>
      each(sl['logRecords']).forEach((record, i) => {
        const where = `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`;
        hexField(record, 'traceId', where);
        hexField(record, 'spanId', where);
      }),
    ),
  );
}

function hexField(owner: Record<string, unknown>, key: string, where: string): void {
  const value = owner[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length % 2 !== 0 || !HEX.test(value)) {
    throw new InvalidJsonRequestError(`${where}.${key} must be a hex string (OTLP/JSON encodes ids as hex), got ${JSON.stringify(value).slice(0, 80)}`);
  }
  owner[key] = Buffer.from(value, 'hex');
}
