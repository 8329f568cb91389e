/**
 * The end-to-end path the mapping tests share: spans go through the real OpenTelemetry SDK and
 * proto exporter into a real collector, a real engine (workspace index with the route extractor,
 * resolver, SQLite store) pulls them, and the test reads what the code lenses would show.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import type { FunctionStats, MappedBy, UnmappedTelemetry } from '../../protocol/model';
import { DEFAULT_SETTINGS, type Settings } from '../../protocol/settings';
import { openEngine, type Engine } from '../../language-server/engine';
import { startTestCollector } from '../support/collector';
import { sendSpans, type SpanSpec } from '../support/otel';

export interface MappedRun {
  functions: FunctionStats[];
  unmapped: UnmappedTelemetry[];
  /** Spans the engine pulled from the collector. */
  ingested: number;
}

export interface RunOptions {
  root: string;
  service: string;
  spans: SpanSpec[];
  settings?: Partial<Settings>;
  /** Runs against the caught-up engine before it closes, for what lenses and hovers ask. */
  probe?: (engine: Engine) => void;
}

/** Sends `spans` as `service`, lets a fresh engine over `root` catch up, and returns its view. */
export async function runThroughEngine(o: RunOptions): Promise<MappedRun> {
  const collector = await startTestCollector();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodlens-mapping-'));
  try {
    await sendSpans({ collectorUrl: collector.httpUrl, service: o.service, version: '1.0.0', environment: 'production' }, o.spans);
    const engine = await openEngine({
      root: o.root,
      settings: { ...DEFAULT_SETTINGS, ...o.settings, collectorUrl: collector.httpUrl },
      token: collector.token,
      dbFile: path.join(dir, 'store.db'),
      pullInBackground: false,
    });
    try {
      const ingested = await engine.catchUp();
      o.probe?.(engine);
      return { functions: engine.allFunctionStats(), unmapped: engine.unmapped(), ingested };
    } finally {
      await engine.close();
    }
  } finally {
    await collector.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 1-based line of the first line of `file` (under `root`) containing `declaration`. */
export function lineOf(root: string, file: string, declaration: string): number {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(declaration));
  if (i < 0) throw new Error(`"${declaration}" is not in ${file}; the fixture changed, update the test.`);
  return i + 1;
}

export interface Expected {
  file: string;
  symbol: string;
  /** Text on the declaration line, found in the file rather than numbered here. */
  declaration: string;
  mappedBy: MappedBy;
  requests?: number;
  errors?: number;
  thrownHere?: number;
  ambiguous?: boolean;
}

/** Asserts that exactly one function row is `symbol` in `file`, on its declaration line. */
export function expectLanded(root: string, run: MappedRun, e: Expected): FunctionStats {
  const rows = run.functions.filter((f) => f.symbol === e.symbol && f.file === e.file);
  expect(rows, `${e.symbol} in ${e.file}; rows: ${run.functions.map((f) => `${f.file}#${f.symbol}`).join(', ')}`).toHaveLength(1);
  const row = rows[0]!;
  expect(row.line).toBe(lineOf(root, e.file, e.declaration));
  expect(row.mappedBy).toContain(e.mappedBy);
  if (e.requests !== undefined) expect(row.requests).toBe(e.requests);
  if (e.errors !== undefined) expect(row.errors).toBe(e.errors);
  if (e.thrownHere !== undefined) expect(row.thrownHere).toBe(e.thrownHere);
  expect(row.ambiguous).toBe(e.ambiguous ?? false);
  return row;
}
