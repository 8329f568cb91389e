/**
 * The part of the official OTLP protobuf schema (opentelemetry-proto v1) that the collector walks
 * when it validates a request: field numbers, wire types and, for message fields, the message
 * type. It is a table rather than code so the validator stays one small loop, and a unit test
 * (collector-schema.test.ts) checks every entry against the protobufjs module that
 * `@opentelemetry/otlp-transformer` generates from the same .proto files, so the two cannot drift.
 *
 * Fields newer than that generated module (Span.flags = 16, Span.Link.flags = 6) are listed too:
 * senders on a newer SDK set them, and their wire type is still checked.
 */

export type FieldType = 'string' | 'bytes' | 'varint' | 'fixed64' | 'fixed32' | 'double' | 'message';

/**
 * What the validator must look at in a field beyond its wire type. Roles keep the walker generic:
 * it knows "this is a trace id" from the table, not from a hard-coded field number.
 */
export type FieldRole =
  | 'traceId'
  | 'spanId'
  | 'parentSpanId'
  | 'start'
  | 'end'
  | 'time'
  | 'attribute'
  | 'value'
  | 'span'
  | 'logRecord';

export interface FieldSpec {
  name: string;
  type: FieldType;
  message?: MessageName;
  role?: FieldRole;
}

export type MessageName =
  | 'ExportTraceServiceRequest'
  | 'ExportLogsServiceRequest'
  | 'ResourceSpans'
  | 'ScopeSpans'
  | 'Span'
  | 'Span.Event'
  | 'Span.Link'
  | 'Status'
  | 'ResourceLogs'
  | 'ScopeLogs'
  | 'LogRecord'
  | 'Resource'
  | 'InstrumentationScope'
  | 'KeyValue'
  | 'AnyValue'
  | 'ArrayValue'
  | 'KeyValueList';

export type MessageSchema = Readonly<Record<number, FieldSpec>>;

const m = (message: MessageName, name: string, role?: FieldRole): FieldSpec => ({ name, type: 'message', message, role });
const attributes = m('KeyValue', 'attributes', 'attribute');

export const OTLP_SCHEMA: Readonly<Record<MessageName, MessageSchema>> = {
  ExportTraceServiceRequest: { 1: m('ResourceSpans', 'resourceSpans') },
  ExportLogsServiceRequest: { 1: m('ResourceLogs', 'resourceLogs') },
  ResourceSpans: {
    1: m('Resource', 'resource'),
    2: m('ScopeSpans', 'scopeSpans'),
    3: { name: 'schemaUrl', type: 'string' },
  },
  ScopeSpans: {
    1: m('InstrumentationScope', 'scope'),
    2: m('Span', 'spans', 'span'),
    3: { name: 'schemaUrl', type: 'string' },
  },
  Span: {
    1: { name: 'traceId', type: 'bytes', role: 'traceId' },
    2: { name: 'spanId', type: 'bytes', role: 'spanId' },
    3: { name: 'traceState', type: 'string' },
    4: { name: 'parentSpanId', type: 'bytes', role: 'parentSpanId' },
    5: { name: 'name', type: 'string' },
    6: { name: 'kind', type: 'varint' },
    7: { name: 'startTimeUnixNano', type: 'fixed64', role: 'start' },
    8: { name: 'endTimeUnixNano', type: 'fixed64', role: 'end' },
    9: attributes,
    10: { name: 'droppedAttributesCount', type: 'varint' },
    11: m('Span.Event', 'events'),
    12: { name: 'droppedEventsCount', type: 'varint' },
    13: m('Span.Link', 'links'),
    14: { name: 'droppedLinksCount', type: 'varint' },
    15: m('Status', 'status'),
    16: { name: 'flags', type: 'fixed32' },
  },
  'Span.Event': {
    1: { name: 'timeUnixNano', type: 'fixed64' },
    2: { name: 'name', type: 'string' },
    3: attributes,
    4: { name: 'droppedAttributesCount', type: 'varint' },
  },
  'Span.Link': {
    1: { name: 'traceId', type: 'bytes' },
    2: { name: 'spanId', type: 'bytes' },
    3: { name: 'traceState', type: 'string' },
    4: attributes,
    5: { name: 'droppedAttributesCount', type: 'varint' },
    6: { name: 'flags', type: 'fixed32' },
  },
  Status: {
    2: { name: 'message', type: 'string' },
    3: { name: 'code', type: 'varint' },
  },
  ResourceLogs: {
    1: m('Resource', 'resource'),
    2: m('ScopeLogs', 'scopeLogs'),
    3: { name: 'schemaUrl', type: 'string' },
  },
  ScopeLogs: {
    1: m('InstrumentationScope', 'scope'),
    2: m('LogRecord', 'logRecords', 'logRecord'),
    3: { name: 'schemaUrl', type: 'string' },
  },
  LogRecord: {
    1: { name: 'timeUnixNano', type: 'fixed64', role: 'time' },
    11: { name: 'observedTimeUnixNano', type: 'fixed64' },
    2: { name: 'severityNumber', type: 'varint' },
    3: { name: 'severityText', type: 'string' },
    5: m('AnyValue', 'body'),
    6: attributes,
    7: { name: 'droppedAttributesCount', type: 'varint' },
    8: { name: 'flags', type: 'fixed32' },
    9: { name: 'traceId', type: 'bytes', role: 'traceId' },
    10: { name: 'spanId', type: 'bytes', role: 'spanId' },
  },
  Resource: {
    1: attributes,
    2: { name: 'droppedAttributesCount', type: 'varint' },
  },
  InstrumentationScope: {
    1: { name: 'name', type: 'string' },
    2: { name: 'version', type: 'string' },
    3: attributes,
    4: { name: 'droppedAttributesCount', type: 'varint' },
  },
  KeyValue: {
    1: { name: 'key', type: 'string' },
    2: m('AnyValue', 'value', 'value'),
  },
  AnyValue: {
    1: { name: 'stringValue', type: 'string', role: 'value' },
    2: { name: 'boolValue', type: 'varint' },
    3: { name: 'intValue', type: 'varint' },
    4: { name: 'doubleValue', type: 'double' },
    5: m('ArrayValue', 'arrayValue'),
    6: m('KeyValueList', 'kvlistValue'),
    7: { name: 'bytesValue', type: 'bytes', role: 'value' },
  },
  ArrayValue: { 1: m('AnyValue', 'values') },
  KeyValueList: { 1: m('KeyValue', 'values') },
};

/** The protobuf wire type each field type is encoded with. */
export const WIRE_TYPE: Readonly<Record<FieldType, number>> = {
  varint: 0,
  fixed64: 1,
  double: 1,
  string: 2,
  bytes: 2,
  message: 2,
  fixed32: 5,
};
