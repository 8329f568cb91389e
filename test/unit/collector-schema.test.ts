/**
 * collector/otlp-schema.ts must agree with the protobufjs module generated from the official
 * .proto files: for every message the validator walks, every field the generated module knows
 * is in the table with the same number and wire type.
 */
import { Reader } from 'protobufjs/minimal';
import { describe, expect, it } from 'vitest';
import { otlpTree, type OtlpMessageType } from '../../collector/otlp-root';
import { OTLP_SCHEMA, WIRE_TYPE, type MessageName } from '../../collector/otlp-schema';

const p = otlpTree as unknown as Record<string, Record<string, Record<string, unknown>>>;
const generated: Record<MessageName, OtlpMessageType> = {
  ExportTraceServiceRequest: (p['collector']!['trace']!['v1'] as Record<string, OtlpMessageType>)['ExportTraceServiceRequest']!,
  ExportLogsServiceRequest: (p['collector']!['logs']!['v1'] as Record<string, OtlpMessageType>)['ExportLogsServiceRequest']!,
  ResourceSpans: (p['trace']!['v1'] as Record<string, OtlpMessageType>)['ResourceSpans']!,
  ScopeSpans: (p['trace']!['v1'] as Record<string, OtlpMessageType>)['ScopeSpans']!,
  Span: (p['trace']!['v1'] as Record<string, OtlpMessageType>)['Span']!,
  'Span.Event': ((p['trace']!['v1'] as Record<string, unknown>)['Span'] as Record<string, OtlpMessageType>)['Event']!,
  'Span.Link': ((p['trace']!['v1'] as Record<string, unknown>)['Span'] as Record<string, OtlpMessageType>)['Link']!,
  Status: (p['trace']!['v1'] as Record<string, OtlpMessageType>)['Status']!,
  ResourceLogs: (p['logs']!['v1'] as Record<string, OtlpMessageType>)['ResourceLogs']!,
  ScopeLogs: (p['logs']!['v1'] as Record<string, OtlpMessageType>)['ScopeLogs']!,
  LogRecord: (p['logs']!['v1'] as Record<string, OtlpMessageType>)['LogRecord']!,
  Resource: (p['resource']!['v1'] as Record<string, OtlpMessageType>)['Resource']!,
  InstrumentationScope: (p['common']!['v1'] as Record<string, OtlpMessageType>)['InstrumentationScope']!,
  KeyValue: (p['common']!['v1'] as Record<string, OtlpMessageType>)['KeyValue']!,
  AnyValue: (p['common']!['v1'] as Record<string, OtlpMessageType>)['AnyValue']!,
  ArrayValue: (p['common']!['v1'] as Record<string, OtlpMessageType>)['ArrayValue']!,
  KeyValueList: (p['common']!['v1'] as Record<string, OtlpMessageType>)['KeyValueList']!,
};

/** A value of the right kind for a field, so encoding it emits exactly that field's tag. */
function sample(type: string): unknown {
  switch (type) {
    case 'string':
      return 'x';
    case 'bytes':
      return Buffer.from([1]);
    case 'message':
      return {};
    case 'double':
      return 1.5;
    default:
      return 1;
  }
}

describe('OTLP schema table', () => {
  for (const [name, schema] of Object.entries(OTLP_SCHEMA) as Array<[MessageName, (typeof OTLP_SCHEMA)[MessageName]]>) {
    it(`${name} matches the generated module`, () => {
      const type = generated[name];
      expect(type, name).toBeDefined();
      const prototype = (type as unknown as { prototype: object }).prototype;
      const known = Object.getOwnPropertyNames(prototype).filter((k) => !['constructor', 'toJSON'].includes(k) && !k.startsWith('_'));
      // Oneof groups appear on the prototype as getters named after the group ("value").
      const fields = known.filter((k) => Object.getOwnPropertyDescriptor(prototype, k)?.get === undefined);
      const tableNames = Object.values(schema).map((f) => f.name);
      for (const field of fields) expect(tableNames, `${name}.${field} is missing from the table`).toContain(field);
      for (const [no, spec] of Object.entries(schema)) {
        if (!fields.includes(spec.name)) continue; // newer than the generated module (e.g. flags)
        const isRepeated = Array.isArray((prototype as Record<string, unknown>)[spec.name]);
        const value = sample(spec.type);
        const bytes = type.encode(type.fromObject({ [spec.name]: isRepeated ? [value] : value })).finish();
        const tag = Reader.create(bytes).uint32();
        expect([tag >>> 3, tag & 7], `${name}.${spec.name}`).toEqual([Number(no), WIRE_TYPE[spec.type]]);
      }
    });
  }
});
