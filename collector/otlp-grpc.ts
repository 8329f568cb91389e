/**
 * OTLP/gRPC: `TraceService/Export` and `LogsService/Export`, with the same semantics as
 * OTLP/HTTP. Messages stay bytes end to end (identity (de)serializers): the request is validated
 * by walking it and spooled as received, never decoded into objects.
 */
import * as grpc from '@grpc/grpc-js';
import type { BearerAuth } from './auth';
import { refusalFor } from './errors';
import { ingest, type IngestContext } from './ingest';
import { otlp } from './otlp-root';
import type { Signal } from './validate';

export interface GrpcOptions {
  host: string;
  port: number;
  /** Largest message accepted after decompression; grpc-js enforces it while inflating. */
  maxMessageBytes: number;
  ingestAuth: BearerAuth | null;
}

const identity = (b: Buffer) => b;

function exportDefinition(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

/** Starts the gRPC server and resolves with it and the port it bound. */
export async function startGrpc(ctx: IngestContext, options: GrpcOptions): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  server.addService(exportDefinition('/opentelemetry.proto.collector.trace.v1.TraceService/Export'), {
    Export: exportHandler(ctx, 'traces', options.ingestAuth),
  });
  server.addService(exportDefinition('/opentelemetry.proto.collector.logs.v1.LogsService/Export'), {
    Export: exportHandler(ctx, 'logs', options.ingestAuth),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${hostForGrpc(options.host)}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return { server, port };
}

function hostForGrpc(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function exportHandler(ctx: IngestContext, signal: Signal, auth: BearerAuth | null): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const header = call.metadata.get('authorization')[0];
    if (auth && !auth.check(typeof header === 'string' ? header : undefined)) {
      ctx.metrics.noteRejected('unauthorized');
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong bearer token in the authorization metadata' });
      return;
    }
    ingest(ctx, signal, 'grpc', call.request).then(
      (outcome) => {
        const type = signal === 'traces' ? otlp.traceResponse : otlp.logsResponse;
        const partial =
          outcome.rejected === 0
            ? {}
            : { partialSuccess: signal === 'traces' ? { rejectedSpans: outcome.rejected, errorMessage: outcome.errorMessage } : { rejectedLogRecords: outcome.rejected, errorMessage: outcome.errorMessage } };
        callback(null, Buffer.from(type.encode(type.fromObject(partial)).finish()));
      },
      (err: unknown) => {
        const refusal = refusalFor(err);
        ctx.metrics.noteRejected(refusal.reason);
        callback({ code: refusal.grpcCode, details: refusal.message });
      },
    );
  };
}

/** Stops accepting calls and waits for in-flight ones to finish. */
export function stopGrpc(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => server.tryShutdown(() => resolve()));
}
