/**
 * The deploy scenario the deploy integration tests share: a service file at two commits (version 2
 * makes `placeOrder` slower and `cancelOrder` throw) and deterministic SDK span specs for each side.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import type { SpanSpec } from '../support/otel';

export const MIN = 60_000;

export const V1 = `export function placeOrder(items: string[]) {
  return { id: items.length, status: 'placed' };
}

export function cancelOrder(id: number) {
  return { id, status: 'cancelled' };
}

export function getOrder(id: number) {
  return { id };
}

export function listOrders() {
  return [];
}
`;

export const V2 = V1.replace("return { id: items.length, status: 'placed' };", "const priced = items.map((i) => reprice(i));\n  return { id: priced.length, status: 'placed' };")
  .replace("return { id, status: 'cancelled' };", "if (id % 2 === 0) throw new Error('cancel failed');\n  return { id, status: 'cancelled' };")
  .concat('\nfunction reprice(item: string) {\n  return item.toUpperCase();\n}\n');

export function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  return execFileSync('git', args, { cwd, encoding: 'utf8', env }).trim();
}

export interface ShopRepo {
  repo: string;
  /** The commits of V1 and V2. */
  a: string;
  b: string;
}

/** A git repository `shop` under `dir` with src/orders.ts committed as V1, then as V2. */
export function shopRepo(dir: string): ShopRepo {
  const repo = path.join(dir, 'shop');
  mkdirSync(path.join(repo, 'src'), { recursive: true });
  git(repo, 'init', '-q');
  writeFileSync(path.join(repo, 'src/orders.ts'), V1);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'v1');
  const a = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(path.join(repo, 'src/orders.ts'), V2);
  git(repo, 'commit', '-q', '-am', 'v2');
  return { repo, a, b: git(repo, 'rev-parse', 'HEAD') };
}

/** A deterministic standard normal (Box–Muller over a small LCG), so the data is the same every run. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export interface FnSpec {
  name: string;
  medianMs: number;
  errorRate: number;
  errorName: string;
}

/** `n` calls of each function spread evenly over [fromMs, toMs), interleaved like real traffic. */
export function calls(fns: FnSpec[], n: number, fromMs: number, toMs: number, seed: number): SpanSpec[] {
  const z = normals(seed);
  const out: SpanSpec[] = [];
  const step = (toMs - fromMs) / (n * fns.length);
  for (let i = 0; i < n; i++) {
    fns.forEach((f, j) => {
      const k = i * fns.length + j;
      const failing = ((k * 7919) % 1000) / 1000 < f.errorRate;
      const err = new Error(`${f.name} failed`);
      err.name = f.errorName;
      out.push({
        name: `orders.${f.name}`,
        kind: SpanKind.SERVER,
        attributes: { 'code.function.name': f.name, 'code.file.path': '/app/src/orders.ts' },
        durationMs: f.medianMs * Math.exp(0.3 * z()),
        startMs: Math.floor(fromMs + k * step),
        ...(failing ? { error: { message: err.message, exception: err } } : {}),
      });
    });
  }
  return out;
}

export const BEFORE: FnSpec[] = [
  { name: 'placeOrder', medianMs: 50, errorRate: 0.005, errorName: 'TimeoutError' },
  { name: 'cancelOrder', medianMs: 30, errorRate: 0.005, errorName: 'TimeoutError' },
  { name: 'getOrder', medianMs: 20, errorRate: 0.005, errorName: 'TimeoutError' },
  { name: 'listOrders', medianMs: 40, errorRate: 0.005, errorName: 'TimeoutError' },
];
export const AFTER: FnSpec[] = BEFORE.map((f) =>
  f.name === 'placeOrder' ? { ...f, medianMs: 80 } : f.name === 'cancelOrder' ? { ...f, errorRate: 0.08, errorName: 'CancelError' } : f,
);

