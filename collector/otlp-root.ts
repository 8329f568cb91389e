/**
 * The official OTLP messages, as the protobufjs static module that
 * `@opentelemetry/otlp-transformer` generates from opentelemetry-proto. Its .d.ts only says
 * "a protobufjs Root", so this module names the few message types the collector uses and gives
 * them the narrow interface it needs.
 */
import * as generated from '@opentelemetry/otlp-transformer/build/src/generated/root';

/** A generated message class, seen through the operations the collector calls. */
export interface OtlpMessageType {
  decode(bytes: Uint8Array): OtlpMessage;
  encode(message: OtlpMessage): { finish(): Uint8Array };
  fromObject(object: unknown): OtlpMessage;
  toObject(message: OtlpMessage, options?: Record<string, unknown>): Record<string, unknown>;
  verify(object: unknown): string | null;
}

/** A decoded message; field access is by the schema's camelCase names. */
export type OtlpMessage = Record<string, unknown>;

interface GeneratedTree {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: Record<string, OtlpMessageType> };
        logs: { v1: Record<string, OtlpMessageType> };
      };
      trace: { v1: Record<string, OtlpMessageType> & { Span: OtlpMessageType & Record<string, OtlpMessageType> } };
      logs: { v1: Record<string, OtlpMessageType> };
      common: { v1: Record<string, OtlpMessageType> };
      resource: { v1: Record<string, OtlpMessageType> };
    };
  };
}

// The module is CommonJS (`module.exports = $root`); bundlers and vitest expose it as the default.
const tree = ((generated as unknown as { default?: GeneratedTree }).default ?? generated) as unknown as GeneratedTree;
const proto = tree.opentelemetry.proto;

function must(type: OtlpMessageType | undefined, name: string): OtlpMessageType {
  if (!type) throw new Error(`the generated OTLP module has no ${name}; is @opentelemetry/otlp-transformer 0.52.x installed?`);
  return type;
}

export const otlp = {
  traceRequest: must(proto.collector.trace.v1['ExportTraceServiceRequest'], 'ExportTraceServiceRequest'),
  traceResponse: must(proto.collector.trace.v1['ExportTraceServiceResponse'], 'ExportTraceServiceResponse'),
  logsRequest: must(proto.collector.logs.v1['ExportLogsServiceRequest'], 'ExportLogsServiceRequest'),
  logsResponse: must(proto.collector.logs.v1['ExportLogsServiceResponse'], 'ExportLogsServiceResponse'),
} as const;

/** The whole generated tree, for tests that check otlp-schema.ts against it. */
export const otlpTree = proto;
