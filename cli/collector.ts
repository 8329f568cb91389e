/**
 * `prodlens collector [--host 127.0.0.1] [--port 4318] [--grpc-port 4317] [--data-dir DIR]
 * [--token T] [--ingest-token T] [--max-spool-mb N] [--retention 7d]`
 *
 * Runs until SIGTERM or SIGINT, then shuts down gracefully (collector/server.ts). Once listening
 * it prints exactly one line to stdout, which scripts and tests wait on:
 *
 *   prodlens collector listening http=http://127.0.0.1:4318 grpc=127.0.0.1:4317 data=/path
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCollector } from '../collector/server';
import { UsageError, durationFlag, intFlag, parseCommandArgs } from './args';

const USAGE = `usage: prodlens collector [options]

  --host HOST          address to bind (default 127.0.0.1; use 0.0.0.0 only behind a firewall)
  --port N             OTLP/HTTP, pull and deploy port (default 4318; 0 picks a free port)
  --grpc-port N        OTLP/gRPC port (default 4317; 0 picks a free port)
  --data-dir DIR       spool and deploy markers (default $XDG_DATA_HOME/prodlens/collector)
  --token T            bearer token for pull and deploy endpoints (default $PRODLENS_TOKEN,
                       else the one in DIR/token, created on first run)
  --ingest-token T     also require this bearer token on OTLP ingest
  --max-spool-mb N     refuse new batches (429) when unread batches fill this much (default 1024)
  --retention D        remove batches older than this, e.g. 12h or 7d (default 7d)
`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandArgs('collector', args, {
      host: { type: 'string' },
      port: { type: 'string' },
      'grpc-port': { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
      'ingest-token': { type: 'string' },
      'max-spool-mb': { type: 'string' },
      retention: { type: 'string' },
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let options;
  try {
    options = {
      host: v.host ?? '127.0.0.1',
      httpPort: intFlag('port', v.port, 4318, 0, 65535),
      grpcPort: intFlag('grpc-port', v['grpc-port'], 4317, 0, 65535),
      dataDir: path.resolve(v['data-dir'] ?? defaultDataDir()),
      maxSpoolBytes: intFlag('max-spool-mb', v['max-spool-mb'], 1024, 1) * 1024 * 1024,
      retentionMs: durationFlag('retention', v.retention, 7 * 86_400_000),
      ingestToken: v['ingest-token'],
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`prodlens collector: ${err.message}\n`);
    return 2;
  }
  await fs.mkdir(options.dataDir, { recursive: true });
  const token = v.token ?? process.env['PRODLENS_TOKEN'] ?? (await tokenFromDataDir(options.dataDir));
  const collector = await startCollector({ ...options, token });
  process.stdout.write(`prodlens collector listening http=${collector.httpUrl} grpc=${collector.grpcAddress} data=${collector.dataDir}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`prodlens collector: ${signal}, finishing in-flight batches\n`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await collector.close();
  process.stderr.write('prodlens collector: stopped\n');
  return 0;
}

function defaultDataDir(): string {
  const base = process.env['XDG_DATA_HOME'] || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'prodlens', 'collector');
}

/** Reads DIR/token, creating it (readable by the owner only) with a random token on first run. */
async function tokenFromDataDir(dir: string): Promise<string> {
  const file = path.join(dir, 'token');
  const existing = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const token = randomBytes(24).toString('hex');
  await fs.writeFile(file, token + '\n', { mode: 0o600 });
  process.stderr.write(`prodlens collector: created a pull token in ${file}\n`);
  return token;
}
