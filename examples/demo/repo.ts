/**
 * The demo's git repository: the sample service (examples/shop-service) copied into a temp dir and
 * committed as version 1, then version 2 committed on top. The service's dependencies are not
 * installed into it: the child process resolves them through NODE_PATH, from this project's
 * node_modules and from a folder beside the repository holding the built `instrument/` as
 * `@prodlens/instrument` (what `npm install` would give a real service).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, V2_EDITS } from './deploy-v2';

export interface DemoRepo {
  /** The git working tree. */
  dir: string;
  /** NODE_PATH for the service process. */
  nodePath: string;
  files: Map<string, string>;
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };

export function git(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('demo: git is not installed or not on PATH; the demo needs it to make the deploy commits');
    throw new Error(`demo: git ${args.join(' ')} failed in ${cwd}: ${e.stderr?.trim() || e.message}`);
  }
}

async function readTree(dir: string, base = dir): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await readTree(full, base)) out.set(k, v);
    else out.set(path.relative(base, full).split(path.sep).join('/'), await fs.readFile(full, 'utf8'));
  }
  return out;
}

async function writeTree(dir: string, files: Map<string, string>): Promise<void> {
  for (const [rel, text] of files) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
}

/** Creates `<tmp>/shop` with version 1 committed; returns the repository and the service's NODE_PATH. */
export async function createRepo(projectRoot: string, tmp: string): Promise<DemoRepo & { commit: string }> {
  const source = path.join(projectRoot, 'examples/shop-service');
  const instrument = path.join(projectRoot, 'dist/instrument/index.js');
  if (!existsSync(source)) throw new Error(`demo: ${source} is missing; run the demo from a Prodlens checkout`);
  if (!existsSync(instrument)) throw new Error(`demo: ${instrument} is missing; build first with "node esbuild.mjs" (npm run demo does)`);
  const modules = path.join(tmp, 'node_modules');
  const pkg = path.join(modules, '@prodlens/instrument');
  await fs.mkdir(pkg, { recursive: true });
  await fs.copyFile(instrument, path.join(pkg, 'index.js'));
  await fs.writeFile(path.join(pkg, 'package.json'), '{ "name": "@prodlens/instrument", "version": "0.1.0", "main": "index.js" }\n');

  const dir = path.join(tmp, 'shop');
  const files = await readTree(source);
  files.set('.gitignore', 'node_modules/\n');
  await writeTree(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'shop 1.0.0');
  return { dir, files, nodePath: [modules, path.join(projectRoot, 'node_modules')].join(path.delimiter), commit: git(dir, 'rev-parse', 'HEAD') };
}

/** Commits version 2 (examples/demo/deploy-v2.ts) and returns its commit. */
export async function commitVersion2(repo: DemoRepo): Promise<string> {
  const next = applyEdits(repo.files, V2_EDITS);
  const changed = new Map([...next].filter(([k, v]) => repo.files.get(k) !== v));
  await writeTree(repo.dir, changed);
  git(repo.dir, 'commit', '-q', '-am', 'shop 2.0.0: VAT per product; reserve stock per warehouse');
  return git(repo.dir, 'rev-parse', 'HEAD');
}
