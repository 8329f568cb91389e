/**
 * The e2e test's workspace and traffic: the node-express fixture as a git repository with two
 * commits (1.0.0, then 1.1.0 which changes `OrderController.list`), and spans for both versions in
 * which list got slower and started failing after the deploy while create stayed the same.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import type { SpanSpec } from '../support/otel';
import { REPO } from './code-server';

export const FILE = 'src/controllers/order-controller.ts';
/** A span that names a function this workspace does not have: it must show up as unmapped. */
export const HOMELESS = 'LegacyReconciler.run';
const MIN = 60_000;
/** 1.1.0 was first seen this long ago: past the deploy diff's 15 min checkpoint. */
const DEPLOYED_AGO_MS = 20 * MIN;
/** Each version's calls fall in the 15 min the diff compares, more than its 200-calls-a-side minimum. */
const SIDE_MS = 15 * MIN;
/** Each version's commit was made this long before the version's first span: DORA's lead time. */
const LEAD_MS = 2 * 3_600_000;
const CALLS = { listPerVersion: 250, createPerVersion: 240 };

function git(cwd: string, date: Date | null, ...args: string[]): string {
  const when = date ? { GIT_AUTHOR_DATE: date.toISOString(), GIT_COMMITTER_DATE: date.toISOString() } : {};
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', ...when };
  return execFileSync('git', args, { cwd, encoding: 'utf8', env }).trim();
}

/**
 * Copies the fixture to `dir` and commits it twice, each commit dated LEAD_MS before its version's
 * first span (so DORA has a lead time); returns the commit of each version.
 */
export function gitWorkspace(dir: string, nowMs: number): { v100: string; v110: string } {
  cpSync(path.join(REPO, 'test/fixtures/workspaces/node-express'), dir, { recursive: true });
  const deployAt = nowMs - DEPLOYED_AGO_MS;
  git(dir, null, 'init', '-q');
  git(dir, null, 'add', '.');
  git(dir, new Date(deployAt - SIDE_MS - LEAD_MS), 'commit', '-q', '-m', '1.0.0');
  const v100 = git(dir, null, 'rev-parse', 'HEAD');
  // The change stays inside list's body, so every function keeps its line.
  const file = path.join(dir, FILE);
  const before = readFileSync(file, 'utf8');
  const after = before.replace('    res.json([...this.orders.values()]);', '    res.json([...this.orders.values()].sort((a, b) => b.total - a.total));');
  if (after === before) throw new Error(`${FILE} in the fixture changed; update the 1.1.0 edit in test/e2e/scenario.ts`);
  writeFileSync(file, after);
  git(dir, new Date(deployAt - LEAD_MS), 'commit', '-q', '-am', '1.1.0');
  return { v100, v110: git(dir, null, 'rev-parse', 'HEAD') };
}

function call(symbol: string, durationMs: number, error = false): SpanSpec {
  return {
    name: symbol,
    kind: SpanKind.INTERNAL,
    attributes: { 'code.function.name': symbol, 'code.file.path': `/app/${FILE}` },
    durationMs,
    ...(error ? { error: { message: 'order store unavailable' } } : {}),
  };
}

/** Calls spread evenly over the 15 min before the deploy (1.0.0) and the 15 min after it (1.1.0). */
export function traffic(nowMs: number): { v100: SpanSpec[]; v110: SpanSpec[] } {
  const deployAt = nowMs - DEPLOYED_AGO_MS;
  const at = (side: 'before' | 'after', i: number, n: number) => (side === 'before' ? deployAt - SIDE_MS : deployAt) + Math.floor((i * SIDE_MS) / n);
  const v100: SpanSpec[] = [];
  const v110: SpanSpec[] = [];
  const { listPerVersion: nList, createPerVersion: nCreate } = CALLS;
  for (let i = 0; i < nList; i++) v100.push({ ...call('OrderController.list', 10 + (i % 5)), startMs: at('before', i, nList) });
  for (let i = 0; i < nList - 1; i++) v110.push({ ...call('OrderController.list', 40 + (i % 24), i % 4 === 0), startMs: at('after', i, nList) });
  // The last call of list is the slowest, inside a request span with no code attributes, and it
  // calls a function the workspace does not have: the trace the trace view test opens.
  v110.push({
    name: 'GET /orders', kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' }, durationMs: 320, startMs: at('after', nList - 1, nList),
    children: [
      call('OrderController.list', 250),
      { name: HOMELESS, kind: SpanKind.INTERNAL, attributes: { 'code.function.name': HOMELESS, 'code.file.path': '/app/src/legacy/reconciler.ts' }, durationMs: 40 },
    ],
  });
  for (let i = 0; i < nCreate; i++) {
    v100.push({ ...call('OrderController.create', 20 + (i % 3)), startMs: at('before', i, nCreate) });
    v110.push({ ...call('OrderController.create', 20 + (i % 3)), startMs: at('after', i, nCreate) });
  }
  return { v100, v110 };
}
