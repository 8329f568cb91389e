/**
 * The load generator: mixed traffic over the shop's three routes at a steady rate. Order
 * ids sometimes miss (404), carts differ in size, and the routes' own latencies and the fake
 * database's tail give the long latency tail; the mix is drawn from a seeded generator so each
 * run sends the same requests.
 */
export interface LoadResult {
  requests: number;
  byStatus: Record<string, number>;
  seconds: number;
}

// The shop's products (examples/shop-service/src/seed.js).
const SKUS = ['EU-KETTLE', 'EU-MUG', 'EU-TEAPOT', 'EU-FILTER', 'US-GRINDER', 'US-SCALE', 'US-BEANS', 'US-PRESS', 'UK-TRAY', 'UK-COSY', 'EU-SPOON', 'US-CUP'];
const ORDER_IDS = 520; // 500 exist, so about 4 % of lookups miss

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

type Request = { method: 'GET' | 'POST'; path: string; body?: string };

function nextRequest(rand: () => number): Request {
  const r = rand();
  if (r < 0.4) return { method: 'GET', path: `/orders/${1 + Math.floor(rand() * ORDER_IDS)}` };
  if (r < 0.7) return { method: 'GET', path: rand() < 0.3 ? '/catalog?q=te' : '/catalog' };
  const items = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => {
    const i = Math.floor(rand() * SKUS.length);
    return { sku: SKUS[i]!, quantity: 1 + Math.floor(rand() * 3), priceCents: 500 + 250 * i };
  });
  return { method: 'POST', path: '/checkout', body: JSON.stringify({ items }) };
}

/**
 * Sends `requests` requests at `ratePerSec` at most (without waiting for answers, like independent
 * users), with at most `maxInFlight` outstanding. A paced rate keeps the service below saturation, so its latencies are
 * its own and not a queue that depends on how busy this machine happens to be.
 */
export async function driveLoad(
  baseUrl: string,
  requests: number,
  opts: { ratePerSec: number; maxInFlight: number; seed: number; onProgress?: (done: number) => void },
): Promise<LoadResult> {
  const rand = lcg(opts.seed);
  const byStatus: Record<string, number> = {};
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let failure: Error | undefined;
  const interval = 1000 / opts.ratePerSec;
  let due = started;
  for (let i = 0; i < requests && !failure; i++) {
    // A late start is not made up for with a burst: the next request is due one interval after
    // this one, whenever this one went out.
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    due = Math.max(due, Date.now()) + interval;
    while (inFlight.size >= opts.maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = send(baseUrl, nextRequest(rand)).then(
      (status) => {
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (++done % 100 === 0) opts.onProgress?.(done);
      },
      (err: Error) => {
        failure ??= err;
      },
    ).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { requests: done, byStatus, seconds: (Date.now() - started) / 1000 };
}

async function send(baseUrl: string, req: Request): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}${req.path}`, { method: req.method, body: req.body, headers: req.body ? { 'content-type': 'application/json' } : undefined });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new Error(`demo: ${req.method} ${baseUrl}${req.path} failed: ${cause}`);
  }
}
