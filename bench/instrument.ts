// instrument/ overhead with no OpenTelemetry SDK registered: ns per call of a small function,
// plain and wrapped with traced(), sync and async, and the ratio. Run: node esbuild.mjs && node dist/bench/instrument.js
import { traced } from '../instrument';

const CALLS = 5_000_000;
const ROUNDS = 5;

function add(a: number, b: number): number {
  return a + b;
}
async function addAsync(a: number, b: number): Promise<number> {
  return a + b;
}

const tracedAdd = traced(add);
const tracedAddAsync = traced(addAsync);

/** The best of ROUNDS runs, in ns per call; the sum is returned so the calls cannot be elided. */
function timeSync(fn: (a: number, b: number) => number): { ns: number; sink: number } {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) sink += fn(i, 1);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / CALLS);
  }
  return { ns: best, sink };
}

async function timeAsync(fn: (a: number, b: number) => Promise<number>): Promise<{ ns: number; sink: number }> {
  const calls = CALLS / 10;
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink += await fn(i, 1);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / calls);
  }
  return { ns: best, sink };
}

async function main(): Promise<void> {
  const plain = timeSync(add);
  const wrapped = timeSync(tracedAdd);
  const plainAsync = await timeAsync(addAsync);
  const wrappedAsync = await timeAsync(tracedAddAsync);
  if (plain.sink !== wrapped.sink || plainAsync.sink !== wrappedAsync.sink) throw new Error('wrapped and plain calls disagree');
  const row = (label: string, a: number, b: number) =>
    console.log(`${label.padEnd(7)} plain ${a.toFixed(1).padStart(6)} ns/call   traced ${b.toFixed(1).padStart(6)} ns/call   overhead ${(b - a).toFixed(1).padStart(6)} ns   ratio ×${(b / a).toFixed(2)}`);
  console.log(`traced() with no SDK registered (best of ${ROUNDS} rounds, ${CALLS.toLocaleString('en')} sync / ${(CALLS / 10).toLocaleString('en')} async calls)`);
  row('sync', plain.ns, wrapped.ns);
  row('async', plainAsync.ns, wrappedAsync.ns);
}

void main();
