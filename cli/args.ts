import { parseArgs, type ParseArgsConfig } from 'node:util';
import { durationMs } from '../language-server/duration';

/** A command line the user got wrong: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses a subcommand's arguments strictly (unknown flags are errors that name the flag) and
 * returns typed values plus positionals.
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`prodlens ${command}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads an integer flag and says which flag was wrong when it is not one. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Parses durations like `90s`, `15m`, `1h`, `7d` into milliseconds. */
export function durationFlag(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  try {
    return durationMs(value);
  } catch {
    throw new UsageError(`--${name} must be a duration such as 30m, 1h or 7d, got "${value}"`);
  }
}
