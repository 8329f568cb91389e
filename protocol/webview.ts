/**
 * Messages between the extension and its webviews, both ways, as discriminated unions with zod
 * schemas. Each side validates what it receives with `parse*Message` (STYLE.md habit 4): a webview
 * is a separate page and the data in it comes from telemetry, so neither side trusts the other.
 *
 * The schemas check the fields the panels read; payload objects (DeployDiffJson, TraceSpan, ...)
 * are typed by their protocol interfaces and checked loosely for extra fields, so a newer server
 * that adds fields does not break an older panel.
 */
import * as z from 'zod/mini';
import type { FunctionDetail, TraceSpan } from './lsp';
import type { DeployDiffJson, DeployInfo, DoraReport } from './model';

/** A function in the workspace that a panel asks the extension to open. */
export interface CodeLocation {
  file: string;
  symbol: string;
  line: number;
}

export interface DeploySelection {
  service: string;
  environment: string;
  /** The deploy's address (`1.4.1`, or `1.4.1@2` for a version deployed again), as `prodlens/deployDiff` takes it. */
  version: string;
}

/** How a deploy is named in a selection: its address when the version was deployed more than once. */
export function deployAddress(d: Pick<DeployInfo, 'version' | 'address'> | undefined): string {
  return d ? (d.address ?? d.version) : '';
}

// --- deploy panel -------------------------------------------------------------------------------

/** Extension → deploy panel. */
export type DeployPanelInbound =
  | { type: 'deploys'; deploys: DeployInfo[]; selected: DeploySelection | null }
  | { type: 'deployDiff'; selection: DeploySelection; diff: DeployDiffJson | null; dora: DoraReport | null }
  | { type: 'error'; message: string };

/** Deploy panel → extension. */
export type DeployPanelOutbound =
  | { type: 'ready' }
  | { type: 'selectDeploy'; selection: DeploySelection }
  | { type: 'openFunction'; location: CodeLocation };

// --- trace view ---------------------------------------------------------------------------------

/** Extension → trace view. */
export type TraceViewInbound = { type: 'trace'; traceId: string; spans: TraceSpan[] } | { type: 'error'; message: string };

/** Trace view → extension. */
export type TraceViewOutbound = { type: 'ready' } | { type: 'openFunction'; location: CodeLocation };

// --- function detail ----------------------------------------------------------------------------

/** Extension → function detail panel. */
export type FunctionViewInbound = { type: 'detail'; detail: FunctionDetail } | { type: 'error'; message: string };

/** Function detail panel → extension. */
export type FunctionViewOutbound = { type: 'ready' } | { type: 'openTrace'; traceId: string };

// --- schemas ------------------------------------------------------------------------------------
// Written with zod/mini, whose functions tree-shake: the panels' browser bundles carry only the
// validators used here (classic zod pulls in every locale and method, several hundred KB). The
// extension host validates with these same schemas, so there is one definition of each message.

const num = z.number();
const nullableNum = z.nullable(num);
const text = z.string().check(z.maxLength(100_000));
const nullableText = z.nullable(text);
const line = z.int().check(z.minimum(1));
const direction = z.nullable(z.enum(['regressed', 'improved']));

export const codeLocationSchema = z.object({ file: z.string().check(z.minLength(1), z.maxLength(100_000)), symbol: text, line });
const selectionSchema = z.object({ service: text, environment: text, version: text });

const deployInfoSchema = z.looseObject({
  service: text,
  environment: text,
  version: text,
  commit: nullableText,
  firstSeen: text,
  lastSeen: text,
  source: z.enum(['telemetry', 'marker']),
  spans: num,
});

const sideSchema = z.looseObject({ p50Ms: nullableNum, p95Ms: nullableNum, p99Ms: nullableNum, requests: num, errors: num, errorRate: nullableNum });

const diffFunctionSchema = z.looseObject({
  id: text,
  file: text,
  symbol: text,
  line,
  verdict: z.enum(['regressed', 'improved', 'unchanged', 'insufficient']),
  changedInDiff: z.boolean(),
  before: sideSchema,
  after: sideSchema,
  latency: z.looseObject({ p95Ratio: nullableNum, q: nullableNum, direction, gatePassed: z.boolean() }),
  errors: z.looseObject({ rateBefore: nullableNum, rateAfter: nullableNum, q: nullableNum, direction, gatePassed: z.boolean() }),
  early: z.optional(z.boolean()),
  waitingFor: nullableText,
  reasons: z.array(text),
});

export const deployDiffSchema = z.looseObject({
  service: text,
  environment: text,
  deploy: z.looseObject({ version: text, commit: nullableText, previousVersion: nullableText, previousCommit: nullableText, firstSeen: text }),
  comparison: text,
  report: z.looseObject({ notes: z.array(text) }),
  functions: z.array(diffFunctionSchema),
  gitProblem: nullableText,
});

export const doraSchema = z.looseObject({
  days: num,
  deploymentFrequency: z.looseObject({ deploys: num, perDay: num, perWeek: num }),
  leadTimeForChanges: z.looseObject({ medianMs: nullableNum, p90Ms: nullableNum, commits: num }),
  changeFailureRate: z.looseObject({ failed: num, deploys: num, rate: nullableNum }),
  timeToRestore: z.looseObject({ medianMs: nullableNum, restored: num, unresolved: num }),
});

const traceSpanSchema = z.looseObject({
  spanId: text,
  parentSpanId: nullableText,
  name: text,
  service: text,
  startNs: z.string().check(z.regex(/^\d+$/)),
  durationMs: num,
  error: z.boolean(),
  statusMessage: text,
  attributes: z.record(z.string(), z.union([z.string(), num, z.boolean()])),
  exception: z.nullable(z.object({ type: text, message: text, stacktrace: text })),
  code: z.nullable(z.looseObject({ file: text, symbol: text, line, mappedBy: text })),
});

const exemplarSchema = z.looseObject({ traceId: text, spanId: text, durationMs: num, error: z.boolean(), message: nullableText, time: text, version: text });

const functionDetailSchema = z.looseObject({
  stats: z.looseObject({ file: text, symbol: text, line: num, requests: num, errors: num, ratePerMin: num, errorRate: nullableNum, p50Ms: nullableNum, p95Ms: nullableNum, p99Ms: nullableNum }),
  mappingExplanation: text,
  versions: z.array(z.object({ version: text, requests: num })),
  histogram: z.array(z.object({ upperMs: num, count: num })),
  slowest: z.array(exemplarSchema),
  failing: z.array(exemplarSchema),
});

const errorMessage = z.object({ type: z.literal('error'), message: text });
const ready = z.object({ type: z.literal('ready') });
const openFunction = z.object({ type: z.literal('openFunction'), location: codeLocationSchema });

export const deployPanelInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('deploys'), deploys: z.array(deployInfoSchema), selected: z.nullable(selectionSchema) }),
  z.object({ type: z.literal('deployDiff'), selection: selectionSchema, diff: z.nullable(deployDiffSchema), dora: z.nullable(doraSchema) }),
  errorMessage,
]);
export const deployPanelOutboundSchema = z.discriminatedUnion('type', [
  ready,
  z.object({ type: z.literal('selectDeploy'), selection: selectionSchema }),
  openFunction,
]);
export const traceViewInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('trace'), traceId: text, spans: z.array(traceSpanSchema) }),
  errorMessage,
]);
export const traceViewOutboundSchema = z.discriminatedUnion('type', [ready, openFunction]);
export const functionViewInboundSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('detail'), detail: functionDetailSchema }), errorMessage]);
export const functionViewOutboundSchema = z.discriminatedUnion('type', [
  ready,
  z.object({ type: z.literal('openTrace'), traceId: z.string().check(z.regex(/^[0-9a-f]{32}$/)) }),
]);

/** Data embedded in a standalone deploy report page (`<script type="application/json" id="prodlens-data">`). */
export interface StandaloneData {
  deployDiff: DeployDiffJson;
  dora: DoraReport | null;
}
export const standaloneDataSchema = z.object({ deployDiff: deployDiffSchema, dora: z.nullable(doraSchema) });

export class WebviewMessageError extends Error {
  constructor(readonly channel: string, detail: string) {
    super(`${channel}: rejected a malformed message (${detail}); the panel and the extension may be from different builds — reload the window.`);
    this.name = 'WebviewMessageError';
  }
}

/** Any schema above (zod/mini), or a classic zod schema: both implement zod's core type. */
export type MessageSchema = z.core.$ZodType;

/**
 * Parses a message received on `channel` (e.g. "deploy panel → extension"). The cast is sound because
 * the schema checks every field the receiver reads; loose objects keep the protocol types' extra fields.
 */
export function parseMessage<T>(schema: MessageSchema, channel: string, input: unknown): T {
  const result = z.safeParse(schema, input);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new WebviewMessageError(channel, first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid');
  }
  return result.data as T;
}
