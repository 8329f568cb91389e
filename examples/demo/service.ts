/**
 * The shop as a real child process, started the way it would be in production:
 * `node --require ./otel.js src/server.js` from its repository, with the OpenTelemetry SDK
 * configured only through the standard OTEL_* environment variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceVersion {
  version: string;
  commit: string;
}

export interface ServiceOptions extends ServiceVersion {
  repoDir: string;
  nodePath: string;
  collectorUrl: string;
  paymentsUrl: string;
}

export interface ServiceProcess {
  url: string;
  /** SIGTERM, then waits for the SDK to flush and the process to exit 0. */
  stop(): Promise<void>;
  /** Best-effort kill for cleanup after a failure. */
  kill(): Promise<void>;
}

const READY = /^shop listening on (\d+)$/;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

export function serviceEnv(o: ServiceOptions): NodeJS.ProcessEnv {
  // The demo's own OTEL_* settings (if any) must not leak into the service's configuration.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  return {
    ...inherited,
    NODE_PATH: o.nodePath,
    PORT: '0',
    PAYMENTS_URL: o.paymentsUrl,
    OTEL_SERVICE_NAME: 'shop',
    OTEL_RESOURCE_ATTRIBUTES: `service.version=${o.version},vcs.ref.head.revision=${o.commit},deployment.environment.name=demo`,
    OTEL_EXPORTER_OTLP_ENDPOINT: o.collectorUrl,
    // Small, frequent batches: encoding a batch blocks the service's event loop, and a long block
    // would show up in the latency tail of whatever requests were waiting. The queue is large
    // so that no span is dropped.
    OTEL_BSP_MAX_QUEUE_SIZE: '100000',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
}

export async function startService(o: ServiceOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--require', './otel.js', 'src/server.js'], { cwd: o.repoDir, env: serviceEnv(o), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const what = `the shop ${o.version} (node --require ./otel.js src/server.js in ${o.repoDir})`;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo: ${what} did not report "shop listening on <port>" within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)), START_TIMEOUT_MS);
    child.once('error', (err) => reject(new Error(`demo: could not start ${what}: ${err.message}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = READY.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`demo: ${what} exited (code ${code}, signal ${signal}) before it was listening:\n${stderr}`));
    });
  }).catch(async (err: unknown) => {
    await killChild(child, exited);
    throw err;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (!alive(child)) throw new Error(`demo: ${what} died while serving:\n${stderr}`);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const { code, signal } = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`demo: ${what} did not shut down cleanly (code ${code}, signal ${signal}); its spans may not all be flushed:\n${stderr}`);
    },
    kill: () => killChild(child, exited),
  };
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function killChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (!alive(child)) return;
  child.kill('SIGKILL');
  await exited;
}
