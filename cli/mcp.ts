/**
 * `prodlens mcp [DIR]` — the MCP server over stdio, for AI assistants (Claude, VS Code, Cursor):
 * the engine opened once for the workspace, the tools of language-server/tools served with the MCP
 * SDK. stdout carries only MCP messages; every log line goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../package.json';
import type { Engine, LogLevel } from '../language-server/engine';
import { TOOLS } from '../language-server/tools';
import { durationFlag, parseCommandArgs } from './args';
import { commandLog, openCommandEngine, singleDir } from './engine-command';
import { createMcpServer } from './mcp-server';

const USAGE = `usage: prodlens mcp [DIR] [--source URL] [--token T] [--db FILE] [--window 1h]

  DIR        the workspace (default: the current directory)
  --source   collector URL to pull from before answering (e.g. http://127.0.0.1:4318); without it, answer from the store
  --token    the collector's pull token (default: $PRODLENS_TOKEN)
  --db       the SQLite store (default: per workspace under the user's cache directory, shared with the editor)
  --window   how far back per-function numbers look (default 1h)`;

/** How stale the store may be when a tool reads it, and how often it pulls while idle. */
const FRESH_MS = 2_000;
const IDLE_PULL_MS = 30_000;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('mcp', args, {
    source: { type: 'string' },
    token: { type: 'string' },
    db: { type: 'string' },
    window: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = singleDir('mcp', positionals, USAGE);
  const window = values.window ?? '1h';
  durationFlag('window', window, 0);
  const log = commandLog('mcp');
  // No background pulling: pulls go through the gate below, so a tool call and a pull never race on the cursor.
  const engine = await openCommandEngine('mcp', dir, values, { window });
  const gate = new CatchUpGate(engine, values.source ? FRESH_MS : Infinity, log);
  const server = createMcpServer({ engine, beforeCall: () => gate.ensure(), log, version });
  const transport = new StdioServerTransport();
  const stopped = new Promise<string>((resolve) => {
    process.stdin.once('end', () => resolve('stdin closed'));
    // The client went away mid-answer: nothing more can be said to it, so stop like on end of input.
    process.stdout.on('error', (err) => resolve(`stdout failed: ${err.message}`));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    transport.onclose = () => resolve('transport closed');
  });
  await server.connect(transport);
  log('info', `serving ${TOOLS.length} tools for ${engine.root}${values.source ? `, pulling from ${values.source}` : ''}`);
  let idle: NodeJS.Timeout | undefined;
  if (values.source) {
    void gate.ensure();
    idle = setInterval(() => void gate.ensure(), IDLE_PULL_MS);
    idle.unref();
  }
  log('info', `stopping: ${await stopped}`);
  clearInterval(idle);
  await server.close();
  await gate.settled();
  await engine.close();
  return 0;
}

/**
 * Brings the store up to date with the collector before a tool reads it, at most once per
 * `minIntervalMs`; calls that arrive during a pull wait for that pull rather than start another.
 * A failed pull is logged and the tools answer from what is stored.
 */
export class CatchUpGate {
  private inflight: Promise<void> | undefined;
  private last = -Infinity;

  constructor(
    private readonly engine: Pick<Engine, 'catchUp' | 'pullDeployMarkers'>,
    private readonly minIntervalMs: number,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  ensure(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (Date.now() - this.last < this.minIntervalMs) return Promise.resolve();
    this.inflight = this.pull().finally(() => {
      this.last = Date.now();
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async settled(): Promise<void> {
    await this.inflight;
  }

  private async pull(): Promise<void> {
    try {
      const spans = await this.engine.catchUp();
      await this.engine.pullDeployMarkers();
      if (spans > 0) this.log('info', `pulled ${spans} spans`);
    } catch (err) {
      this.log('warn', `pulling from the collector failed, answering from the stored data: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
