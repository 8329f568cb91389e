/**
 * Reads the code signals a span carries, in both semantic-convention generations and the
 * framework- and vendor-specific forms (reference §1.1–1.3). Pure. The resolver's fast path runs on
 * every ingested span and compares only the raw values of `SIGNAL_KEYS` (`sameSignalInputs`); the
 * signals themselves are read for the spans it does not answer.
 */
import type { AttrValue, Attributes, SpanRecord } from '../ingest/span';

/** One `_dd.code_origin.frames.N.*` frame (Datadog Code Origin). */
export interface CodeOriginFrame {
  file: string;
  line: number | null;
  column: number | null;
  method: string | null;
  /** The class or module (`_dd.code_origin.frames.N.type`). */
  type: string | null;
}

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface CodeSignals {
  kind: SpanKindName;
  /** `code.function.name`: fully qualified since semconv 1.31. */
  functionName: string | null;
  /** Deprecated `code.function` (short) and `code.namespace` (class/module). */
  legacyFunction: string | null;
  legacyNamespace: string | null;
  /** `code.file.path`, else the deprecated `code.filepath`; `filePathAttribute` says which. */
  filePath: string | null;
  filePathAttribute: 'code.file.path' | 'code.filepath' | null;
  /** 1-based, as emitted (`code.line.number` / `code.lineno`). */
  line: number | null;
  column: number | null;
  /** `code.stacktrace` (opt-in). Parsed only when resolution gets that far. */
  stacktrace: string | null;
  codeOrigin: CodeOriginFrame[];
  /** Fastify `hook.callback.name` (the handler's function name). */
  fastifyHandler: string | null;
  expressName: string | null;
  expressType: string | null;
  httpRoute: string | null;
  /** `http.request.method`, else the deprecated `http.method`. */
  httpMethod: string | null;
  /** `rpc.service` and the method; a stable fully-qualified `rpc.method` (`pkg.Svc/Method`) is split. */
  rpcService: string | null;
  rpcMethod: string | null;
  spanName: string;
}

const KIND_NAMES: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/**
 * Every attribute `readCodeSignals` reads, except the code-origin frames it reads only when one of
 * the last two is set. With those two unset, a span's signals are a function of these values, its
 * kind and its name, so a cache can tell that two spans resolve alike by comparing the values
 * (`sameSignalInputs`) without reading their signals. The unit tests hold this list, `signalInputs`
 * and `sameSignalInputs` to what `readCodeSignals` reads.
 */
export const SIGNAL_KEYS = [
  'code.function.name',
  'code.file.path',
  'code.filepath',
  'code.line.number',
  'code.lineno',
  'code.column.number',
  'code.column',
  'code.function',
  'code.namespace',
  'code.stacktrace',
  'hook.callback.name',
  'express.name',
  'express.type',
  'http.route',
  'http.request.method',
  'http.method',
  'rpc.method',
  'rpc.service',
  '_dd.code_origin.type',
  '_dd.code_origin.frames.0.file',
] as const;

export type SignalInputs = readonly (AttrValue | undefined)[];

/** The values of `SIGNAL_KEYS`, in that order. */
export function signalInputs(a: Attributes): SignalInputs {
  // Written out rather than looped over SIGNAL_KEYS: a load with a literal key has an inline cache
  // of its own, which makes this and `sameSignalInputs` several times faster on the ingest path.
  return [
    a['code.function.name'],
    a['code.file.path'],
    a['code.filepath'],
    a['code.line.number'],
    a['code.lineno'],
    a['code.column.number'],
    a['code.column'],
    a['code.function'],
    a['code.namespace'],
    a['code.stacktrace'],
    a['hook.callback.name'],
    a['express.name'],
    a['express.type'],
    a['http.route'],
    a['http.request.method'],
    a['http.method'],
    a['rpc.method'],
    a['rpc.service'],
    a['_dd.code_origin.type'],
    a['_dd.code_origin.frames.0.file'],
  ];
}

/** Whether `a` holds exactly the values `inputs` (from `signalInputs`) holds, compared with `===`. */
export function sameSignalInputs(a: Attributes, inputs: SignalInputs): boolean {
  return (
    a['code.function.name'] === inputs[0] &&
    a['code.file.path'] === inputs[1] &&
    a['code.filepath'] === inputs[2] &&
    a['code.line.number'] === inputs[3] &&
    a['code.lineno'] === inputs[4] &&
    a['code.column.number'] === inputs[5] &&
    a['code.column'] === inputs[6] &&
    a['code.function'] === inputs[7] &&
    a['code.namespace'] === inputs[8] &&
    a['code.stacktrace'] === inputs[9] &&
    a['hook.callback.name'] === inputs[10] &&
    a['express.name'] === inputs[11] &&
    a['express.type'] === inputs[12] &&
    a['http.route'] === inputs[13] &&
    a['http.request.method'] === inputs[14] &&
    a['http.method'] === inputs[15] &&
    a['rpc.method'] === inputs[16] &&
    a['rpc.service'] === inputs[17] &&
    a['_dd.code_origin.type'] === inputs[18] &&
    a['_dd.code_origin.frames.0.file'] === inputs[19]
  );
}

/** Whether `readCodeSignals` reads code-origin frames, whose keys are not in `SIGNAL_KEYS`. */
export function hasCodeOrigin(inputs: SignalInputs): boolean {
  return inputs[18] !== undefined || inputs[19] !== undefined;
}

const CODE_ORIGIN_MAX_FRAMES = 8;
const LEADING_SLASH = /^\//;

export function readCodeSignals(span: SpanRecord): CodeSignals {
  const a = span.attributes;
  const stableFile = str(a, 'code.file.path');
  const legacyFile = stableFile === null ? str(a, 'code.filepath') : null;
  const [rpcService, rpcMethod] = readRpc(a);
  return {
    kind: KIND_NAMES[span.kind] ?? 'unspecified',
    functionName: str(a, 'code.function.name'),
    legacyFunction: str(a, 'code.function'),
    legacyNamespace: str(a, 'code.namespace'),
    filePath: stableFile ?? legacyFile,
    filePathAttribute: stableFile !== null ? 'code.file.path' : legacyFile !== null ? 'code.filepath' : null,
    line: int(a, 'code.line.number') ?? int(a, 'code.lineno'),
    column: int(a, 'code.column.number') ?? int(a, 'code.column'),
    stacktrace: str(a, 'code.stacktrace'),
    codeOrigin: a['_dd.code_origin.type'] === undefined && a['_dd.code_origin.frames.0.file'] === undefined ? [] : readCodeOrigin(a),
    fastifyHandler: str(a, 'hook.callback.name'),
    expressName: str(a, 'express.name'),
    expressType: str(a, 'express.type'),
    httpRoute: str(a, 'http.route'),
    httpMethod: str(a, 'http.request.method') ?? str(a, 'http.method'),
    rpcService,
    rpcMethod,
    spanName: span.name,
  };
}

function readRpc(a: Attributes): [string | null, string | null] {
  const method = str(a, 'rpc.method');
  const service = str(a, 'rpc.service');
  if (method === null) return [service, null];
  const slash = method.lastIndexOf('/');
  if (slash > 0 && service === null) return [method.slice(0, slash).replace(LEADING_SLASH, ''), method.slice(slash + 1)];
  return [service, slash >= 0 ? method.slice(slash + 1) : method];
}

function readCodeOrigin(a: Attributes): CodeOriginFrame[] {
  const frames: CodeOriginFrame[] = [];
  for (let i = 0; i < CODE_ORIGIN_MAX_FRAMES; i++) {
    const file = str(a, `_dd.code_origin.frames.${i}.file`);
    if (file === null) break;
    frames.push({
      file,
      line: int(a, `_dd.code_origin.frames.${i}.line`),
      column: int(a, `_dd.code_origin.frames.${i}.column`),
      method: str(a, `_dd.code_origin.frames.${i}.method`),
      type: str(a, `_dd.code_origin.frames.${i}.type`),
    });
  }
  return frames;
}

/** A non-empty string attribute; other types are ignored rather than coerced. */
function str(a: Attributes, key: string): string | null {
  const v = a[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** A positive integer attribute; some SDKs send numbers as strings. */
function int(a: Attributes, key: string): number | null {
  const v = a[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}
