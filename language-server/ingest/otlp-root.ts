/**
 * Typed access to the protobufjs static module that `@opentelemetry/otlp-transformer` ships, so the
 * language server decodes with exactly the code the SDK's proto exporter encodes with. The module is
 * declared as a bare `Root`; the interfaces below describe what its `decode` functions return
 * (every absent field is `null`, repeated fields are arrays, 64-bit integers are `Long`).
 */
import protobuf from 'protobufjs/minimal';
import Long from 'long';
import otlpRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';

// protobufjs finds `long` through a dynamic require that bundlers cannot see; without it 64-bit
// fields decode to lossy doubles, and nanosecond timestamps need all 64 bits.
if (!protobuf.util.Long) {
  protobuf.util.Long = Long;
  protobuf.configure();
}

/** A decoded 64-bit integer; `number` only when protobufjs runs without `long`, which the guard above prevents. */
export type Int64 = { low: number; high: number; unsigned?: boolean } | number;

export interface PbAnyValue {
  stringValue: string | null;
  boolValue: boolean | null;
  intValue: Int64 | null;
  doubleValue: number | null;
  arrayValue: { values: PbAnyValue[] } | null;
  kvlistValue: { values: PbKeyValue[] } | null;
  bytesValue: Uint8Array | null;
}

export interface PbKeyValue {
  key: string | null;
  value: PbAnyValue | null;
}

export interface PbResource {
  attributes: PbKeyValue[];
}

export interface PbEvent {
  timeUnixNano: Int64 | null;
  name: string | null;
  attributes: PbKeyValue[];
}

export interface PbSpan {
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
  parentSpanId: Uint8Array | null;
  name: string | null;
  kind: number | null;
  startTimeUnixNano: Int64 | null;
  endTimeUnixNano: Int64 | null;
  attributes: PbKeyValue[];
  droppedAttributesCount: number | null;
  events: PbEvent[];
  status: { code: number | null; message: string | null } | null;
}

export interface PbTraceRequest {
  resourceSpans: { resource: PbResource | null; scopeSpans: { spans: PbSpan[] }[] }[];
}

export interface PbLogRecord {
  timeUnixNano: Int64 | null;
  observedTimeUnixNano: Int64 | null;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
}

export interface PbLogsRequest {
  resourceLogs: { resource: PbResource | null; scopeLogs: { logRecords: PbLogRecord[] }[] }[];
}

interface Decoder<T> {
  decode(bytes: Uint8Array): T;
}

interface OtlpRootShape {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: Decoder<PbTraceRequest> } };
        logs: { v1: { ExportLogsServiceRequest: Decoder<PbLogsRequest> } };
      };
    };
  };
}

const collector = (otlpRoot as unknown as OtlpRootShape).opentelemetry.proto.collector;

export const traceRequestType: Decoder<PbTraceRequest> = collector.trace.v1.ExportTraceServiceRequest;
export const logsRequestType: Decoder<PbLogsRequest> = collector.logs.v1.ExportLogsServiceRequest;
