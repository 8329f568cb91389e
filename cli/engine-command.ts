/**
 * What `report`, `diff` and `dora` share: the collector and store flags, the output format, and an
 * engine that has pulled everything new (spans and deploy markers) before the command reads it.
 */
import { DEFAULT_SETTINGS, type Settings } from '@protocol/settings';
import { DeployNotFoundError } from '../language-server/deploys/deploy-choice';
import { openEngine, type Engine, type LogLevel } from '../language-server/engine';
import { UsageError } from './args';

export const ENGINE_FLAGS = {
  source: { type: 'string' },
  token: { type: 'string' },
  db: { type: 'string' },
  format: { type: 'string' },
} as const;

export const FORMATS = ['table', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function formatFlag(value: string | undefined): Format {
  const format = (value ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be table, markdown or json, got "${value}"`);
  return format;
}

export function singleDir(command: string, positionals: string[], usage: string): string {
  if (positionals.length > 1) throw new UsageError(`prodlens ${command} takes one DIR, got ${positionals.length}.\n${usage}`);
  return positionals[0] ?? process.cwd();
}

export interface EngineFlags {
  source?: string;
  token?: string;
  db?: string;
}

/** Logs a command's engine messages to stderr, prefixed with the command (stdout is its output). */
export function commandLog(command: string): (level: LogLevel, message: string) => void {
  return (level, message) => process.stderr.write(`prodlens ${command}: ${level}: ${message}\n`);
}

/**
 * The engine for DIR as the CLI's commands open it: settings from the flags, the token from
 * --token or $PRODLENS_TOKEN, no background pulling (each command decides when to pull).
 */
export function openCommandEngine(command: string, dir: string, flags: EngineFlags, settings: Partial<Settings>): Promise<Engine> {
  return openEngine({
    root: dir,
    settings: { ...DEFAULT_SETTINGS, ...settings, collectorUrl: flags.source ?? '' },
    token: flags.token ?? process.env.PRODLENS_TOKEN,
    dbFile: flags.db,
    pullInBackground: false,
    log: commandLog(command),
  });
}

/**
 * Opens the engine for DIR, pulls what the collector has, runs `body`, and closes the engine.
 * An unknown service, environment or deploy is the user's input, so it exits 2 like a bad flag.
 */
export async function withCaughtUpEngine(
  command: string,
  dir: string,
  flags: EngineFlags,
  settings: Partial<Settings>,
  body: (engine: Engine) => Promise<number>,
): Promise<number> {
  const engine = await openCommandEngine(command, dir, flags, settings);
  try {
    await engine.catchUp();
    await engine.pullDeployMarkers();
    return await body(engine);
  } catch (err) {
    if (err instanceof DeployNotFoundError) throw new UsageError(`prodlens ${command}: ${err.message}`);
    throw err;
  } finally {
    await engine.close();
  }
}
