import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The default store for a workspace: one SQLite file per workspace folder under the user's cache
 * directory, so stores of different projects never mix and nothing lands in the repository.
 */
export function defaultDbFile(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const abs = path.resolve(root);
  const id = createHash('sha256').update(abs).digest('hex').slice(0, 12);
  const name = path.basename(abs).replace(/[^A-Za-z0-9._-]/g, '_') || 'workspace';
  return path.join(cacheDir(env), 'prodlens', `${name}-${id}`, 'prodlens.db');
}

function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.PRODLENS_CACHE_DIR) return env.PRODLENS_CACHE_DIR;
  if (process.platform === 'win32') return env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
}
