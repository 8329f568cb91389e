/**
 * Caps applied where telemetry enters the language server. The collector caps too, but spans reach
 * the store only through here, so these bounds hold whatever the collector was configured with.
 */
export interface IngestLimits {
  /** Attributes kept per span, per resource and per event; the rest are dropped and counted. */
  maxAttributes: number;
  /** Characters kept of an attribute key; longer keys make the attribute be dropped. */
  maxKeyLength: number;
  /** Characters kept of a string value (attributes, names, exception type and message). */
  maxStringLength: number;
  /** Characters kept of a stack trace, which is worth more room than other strings. */
  maxStacktraceLength: number;
  /** Exceptions kept per span. */
  maxExceptionsPerSpan: number;
  /** Non-exception events kept per span. */
  maxEventsPerSpan: number;
  /** Nesting depth of arrays and key-value lists rendered into compact JSON. */
  maxValueDepth: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = {
  maxAttributes: 128,
  maxKeyLength: 256,
  maxStringLength: 4096,
  maxStacktraceLength: 32_768,
  maxExceptionsPerSpan: 8,
  maxEventsPerSpan: 32,
  maxValueDepth: 8,
};

/** Truncated strings end with this marker, so a reader can tell a cut value from a short one. */
export const TRUNCATION_MARK = '…';

export function capString(value: string, max: number): string {
  if (value.length <= max) return value;
  return value.slice(0, Math.max(0, max - TRUNCATION_MARK.length)) + TRUNCATION_MARK;
}

/**
 * Collector batches per pull, for the pull loop and the engine's catch-up: one transaction each. A
 * pull is decoded one batch at a time (engine.ts `ingestFrames`), so this bounds the pull's bytes in
 * flight and how long a transaction holds the thread, not the decoded spans: at 512 spans a batch,
 * 50 batches ran no faster than 25 (`npm run bench:server`, 61k vs 68k spans/s, within the noise)
 * and peaked at 265 MB RSS against 247 MB.
 */
export const PULL_BATCHES = 25;
