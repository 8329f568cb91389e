/**
 * `npm run demo`: Prodlens's main job end to end, on this machine, in one command. A collector
 * (`prodlens collector`) starts on 127.0.0.1; the sample shop (examples/shop-service) runs as a real Node process from a
 * fresh git repository, instrumented with the OpenTelemetry Node SDK; a load generator drives it;
 * version 2 is committed and deployed (one function slower, one throwing); then the language
 * server's engine ingests everything and the demo prints the per-function report and "what changed
 * since the deploy", and writes the deploy panel as HTML and PNG.
 *
 * Usage: node dist/demo.js [--quick] [--out DIR] [--json]
 *   --quick  less traffic (also PRODLENS_DEMO_QUICK=1), for CI
 *   --out    where the HTML and PNG go (default ./prodlens-demo)
 *   --json   print the result as JSON on stdout instead of the tables
 * Exit codes: 0 done; 1 a part failed (the message says which); 2 bad arguments.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyse, printable } from './demo/analysis';
import { Cleanup } from './demo/cleanup';
import { startCollectorProcess } from './demo/collector';
import { driveLoad, type LoadResult } from './demo/load';
import { screenshot, writePanel, type Screenshot } from './demo/page';
import { startPayments } from './demo/payments';
import { Progress } from './demo/progress';
import { commitVersion2, createRepo } from './demo/repo';
import { startService, type ServiceOptions } from './demo/service';

const USAGE = 'usage: node dist/demo.js [--quick] [--out DIR] [--json]';
const PROJECT_ROOT = path.resolve(__dirname, '..');
const SERVICE = 'shop';
const ENVIRONMENT = 'demo';
/** Requests per second: well below what the shop can serve on a small machine, so it is not queueing. */
const RATE_PER_SEC = 150;

interface Options {
  quick: boolean;
  out: string;
  json: boolean;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { quick: { type: 'boolean' }, out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return { quick: values.quick === true || process.env.PRODLENS_DEMO_QUICK === '1', out: path.resolve(values.out ?? 'prodlens-demo'), json: values.json === true };
}

async function run(o: Options, progress: Progress, cleanup: Cleanup) {
  // The diff is asked for seconds after the deploy, so only the early look can report: it needs
  // 300 calls per side. --quick still gives the culprits (on checkouts, 30 % of requests) about 700.
  const perVersion = o.quick ? 2400 : 4000;
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'prodlens-demo-'));
  cleanup.add('removing the temp dir', () => fs.rm(tmp, { recursive: true, force: true }));

  progress.step('starting the collector on 127.0.0.1');
  const token = randomBytes(16).toString('hex');
  const collector = await startCollectorProcess(PROJECT_ROOT, path.join(tmp, 'spool'), token);
  cleanup.add('closing the collector', () => collector.close());
  const payments = await startPayments();
  cleanup.add('closing the payments server', () => payments.close());

  progress.step('creating the shop repository (version 1)');
  const repo = await createRepo(PROJECT_ROOT, tmp);
  const base: Omit<ServiceOptions, 'version' | 'commit'> = { repoDir: repo.dir, nodePath: repo.nodePath, collectorUrl: collector.httpUrl, paymentsUrl: payments.url };

  const serve = async (version: string, commit: string, seed: number): Promise<LoadResult> => {
    progress.step(`starting shop ${version} (${commit.slice(0, 7)})`);
    const service = await startService({ ...base, version, commit });
    cleanup.add(`stopping shop ${version}`, () => service.kill());
    progress.step(`shop ${version}: sending ${perVersion} requests`);
    const load = await driveLoad(service.url, perVersion, { ratePerSec: RATE_PER_SEC, maxInFlight: 64, seed, onProgress: (n) => progress.update(`${n}/${perVersion}`) });
    progress.step(`shop ${version}: stopping (flushing its spans)`);
    await service.stop();
    return load;
  };
  const v1 = await serve('1.0.0', repo.commit, 1);
  progress.step('deploying version 2 (a real commit)');
  const v2 = await serve('2.0.0', await commitVersion2(repo), 2);

  progress.step('analysing: index, pull, per-function report, deploy diff');
  const analysis = await analyse({ repoDir: repo.dir, collectorUrl: collector.httpUrl, token, dbFile: path.join(tmp, 'prodlens.db'), service: SERVICE, environment: ENVIRONMENT, version: '2.0.0' });

  progress.step('writing the deploy panel (HTML, PNG)');
  const html = await writePanel(PROJECT_ROOT, o.out, analysis.diff, analysis.dora);
  const shot: Screenshot = await screenshot(html, process.env.CHROMIUM ?? '/usr/bin/chromium');
  return { v1, v2, analysis, html, shot, workDir: tmp };
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = options(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  const progress = new Progress();
  const cleanup = new Cleanup();
  cleanup.onSignals((m) => progress.finish(m));
  try {
    const r = await run(o, progress, cleanup);
    const seconds = progress.elapsed();
    progress.finish(`done in ${seconds.toFixed(1)} s`);
    const load = (l: LoadResult) => ({ requests: l.requests, byStatus: l.byStatus, seconds: l.seconds });
    const png = 'png' in r.shot ? r.shot.png : null;
    if (o.json) {
      const { report, diff, spans, checkpoint, warnings } = r.analysis;
      process.stdout.write(`${JSON.stringify({ seconds, workDir: r.workDir, spans, load: { v1: load(r.v1), v2: load(r.v2) }, checkpoint, report, diff, html: r.html, png, screenshotSkipped: 'skipped' in r.shot ? r.shot.skipped : null, warnings }, null, 2)}\n`);
    } else {
      const status = (l: LoadResult) => Object.entries(l.byStatus).map(([s, n]) => `${n}×${s}`).join(' ');
      process.stdout.write(`\nshop 1.0.0: ${r.v1.requests} requests in ${r.v1.seconds.toFixed(1)} s (${status(r.v1)}); shop 2.0.0: ${r.v2.requests} in ${r.v2.seconds.toFixed(1)} s (${status(r.v2)}); ${r.analysis.spans} spans ingested\n\n`);
      process.stdout.write(`${printable(r.analysis)}\n`);
      process.stdout.write(`deploy panel: ${r.html}\n`);
      process.stdout.write(png ? `screenshot:   ${png}\n` : `screenshot skipped: ${'skipped' in r.shot ? r.shot.skipped : ''}\n`);
    }
    return 0;
  } catch (err) {
    if (cleanup.interrupted) return 130;
    progress.finish('failed');
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    const problems = await cleanup.run();
    for (const p of problems) process.stderr.write(`demo: cleanup: ${p}\n`);
  }
}

void main().then((code) => process.exit(code));
