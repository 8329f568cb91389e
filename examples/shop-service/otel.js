// OpenTelemetry bootstrap, loaded before the service with `node --require ./otel.js` so the HTTP
// instrumentation can hook `require('node:http')` before anything else loads it. Everything else
// comes from the standard environment variables: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
// (service.version, vcs.ref.head.revision, deployment.environment.name),
// OTEL_EXPORTER_OTLP_ENDPOINT and the OTEL_BSP_* batch settings.
'use strict';
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();

// Flush every span before exiting: a deploy stops the old version with SIGTERM.
let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  sdk.shutdown().then(
    () => process.exit(0),
    (err) => {
      console.error(`shop: telemetry shutdown failed: ${err && err.message}`);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
