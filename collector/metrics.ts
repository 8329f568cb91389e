/**
 * The collector's own counters, rendered as Prometheus text for `GET /metrics`. One instance per
 * collector, owned by its context object; nothing here is global.
 */
import type { SpoolStats } from './spool';
import type { Signal } from './validate';

export type Transport = 'http-protobuf' | 'http-json' | 'grpc';

/** Why a request (or items in it) was refused; the `reason` label of the rejected counter. */
export type RejectReason =
  | 'malformed'
  | 'invalid_json'
  | 'invalid_items'
  | 'unsupported_media_type'
  | 'unsupported_encoding'
  | 'too_large'
  | 'unauthorized'
  | 'spool_full'
  | 'unavailable'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_request';

interface Received {
  batches: number;
  items: number;
  bytes: number;
}

export class CollectorMetrics {
  private readonly received = new Map<string, Received>();
  private readonly rejected = new Map<RejectReason, number>();
  private readonly startedMs = Date.now();
  rejectedItems = 0;
  overLimitAttributes = 0;
  pullRequests = 0;
  pullBatches = 0;
  pullBytes = 0;

  noteReceived(signal: Signal, transport: Transport, items: number, bytes: number): void {
    const key = `${signal}\u0000${transport}`;
    const r = this.received.get(key) ?? { batches: 0, items: 0, bytes: 0 };
    r.batches++;
    r.items += items;
    r.bytes += bytes;
    this.received.set(key, r);
  }

  noteRejected(reason: RejectReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  render(spool: SpoolStats): string {
    const lines: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('prodlens_collector_received_batches_total', 'counter', 'Batches made durable.');
    for (const [key, r] of this.received) lines.push(`prodlens_collector_received_batches_total{${labels(key)}} ${r.batches}`);
    family('prodlens_collector_received_items_total', 'counter', 'Spans or log records made durable.');
    for (const [key, r] of this.received) lines.push(`prodlens_collector_received_items_total{${labels(key)}} ${r.items}`);
    family('prodlens_collector_received_bytes_total', 'counter', 'Protobuf bytes made durable.');
    for (const [key, r] of this.received) lines.push(`prodlens_collector_received_bytes_total{${labels(key)}} ${r.bytes}`);
    family('prodlens_collector_rejected_requests_total', 'counter', 'Requests refused, by reason.');
    for (const [reason, n] of this.rejected) lines.push(`prodlens_collector_rejected_requests_total{reason="${reason}"} ${n}`);
    family('prodlens_collector_rejected_items_total', 'counter', 'Spans or log records dropped from accepted batches (partial success).');
    lines.push(`prodlens_collector_rejected_items_total ${this.rejectedItems}`);
    family('prodlens_collector_attributes_over_limit_total', 'counter', 'Attributes dropped or values truncated by the attribute caps.');
    lines.push(`prodlens_collector_attributes_over_limit_total ${this.overLimitAttributes}`);
    family('prodlens_collector_spool_bytes', 'gauge', 'Bytes in the spool.');
    lines.push(`prodlens_collector_spool_bytes ${spool.bytes}`);
    family('prodlens_collector_spool_segments', 'gauge', 'Segment files in the spool.');
    lines.push(`prodlens_collector_spool_segments ${spool.segments}`);
    family('prodlens_collector_oldest_cursor', 'gauge', 'Sequence number of the oldest retained batch (0 when empty).');
    lines.push(`prodlens_collector_oldest_cursor ${spool.oldestSeq ?? 0}`);
    family('prodlens_collector_head_cursor', 'gauge', 'Sequence number of the newest durable batch.');
    lines.push(`prodlens_collector_head_cursor ${spool.headSeq}`);
    family('prodlens_collector_pull_lag_batches', 'gauge', 'Batches after the furthest cursor any puller has reached.');
    lines.push(`prodlens_collector_pull_lag_batches ${Math.max(0, spool.headSeq - spool.consumedSeq)}`);
    family('prodlens_collector_group_commits_total', 'counter', 'fsync-ed writes, each covering one or more batches.');
    lines.push(`prodlens_collector_group_commits_total ${spool.groupCommits}`);
    family('prodlens_collector_corrupt_records_total', 'counter', 'Spooled batches that failed their checksum when read back.');
    lines.push(`prodlens_collector_corrupt_records_total ${spool.corruptRecords}`);
    family('prodlens_collector_pull_requests_total', 'counter', 'Pull requests answered.');
    lines.push(`prodlens_collector_pull_requests_total ${this.pullRequests}`);
    family('prodlens_collector_pulled_batches_total', 'counter', 'Batches served by pull.');
    lines.push(`prodlens_collector_pulled_batches_total ${this.pullBatches}`);
    family('prodlens_collector_pulled_bytes_total', 'counter', 'Bytes served by pull.');
    lines.push(`prodlens_collector_pulled_bytes_total ${this.pullBytes}`);
    family('prodlens_collector_uptime_seconds', 'gauge', 'Seconds since the collector started.');
    lines.push(`prodlens_collector_uptime_seconds ${Math.round((Date.now() - this.startedMs) / 1000)}`);
    return lines.join('\n') + '\n';
  }
}

function labels(key: string): string {
  const [signal, transport] = key.split('\u0000');
  return `signal="${signal}",transport="${transport}"`;
}
