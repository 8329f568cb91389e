/**
 * The V8 flags the extension starts the language server with (extension/client.ts), and the
 * benchmark its server processes (bench/server.ts), so the figures the benchmark prints are the real
 * server's. (`prodlens lsp --stdio` runs inside the CLI's own node process, which is already started
 * when it reads its arguments; there the flags go in NODE_OPTIONS, as `prodlens lsp --help` says.)
 *
 * Why: ingest turns each pull into tens of thousands of short-lived objects that outlive a scavenge
 * (a batch is alive until its transaction commits), so they reach the old generation as garbage.
 * With node's defaults V8 lets that garbage pile up to ~150 MB before a full collection, for a live
 * heap of ~15 MB. A 4 MiB semi-space keeps the young generation small, and an explicit old-space
 * limit makes V8 pick its smaller heap growing factors, so it collects sooner. Measured with
 * `npm run bench:server -- --spans 1000000`: the server's peak RSS 369 → 244 MB, the fill no slower
 * (300,000 spans through `Engine.ingest` alone: 330 → 220 MB at about the same CPU time). The
 * limit is far above what the server holds (the live heap stays under 50 MB while ingesting).
 * Not lower: at 128 MB the fill stalled in back-to-back full collections.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=1024'];
