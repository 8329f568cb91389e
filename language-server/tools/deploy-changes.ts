import { z } from 'zod';
import type { DeployDiffFunction, DiffSide } from '@protocol/model';
import { DeployNotFoundError } from '../deploys/deploy-choice';
import { capped, ms, prob, ratio, text, textOrNull } from './bounds';
import { defineTool, ToolInputError } from './tool';

const MAX_DIFF_LINES = 12;
const MAX_REASONS = 4;

const input = z
  .object({
    service: z.string().min(1).max(256).optional().describe('service.name of the deployed service (default: the service of the latest deploy).'),
    environment: z.string().min(1).max(256).optional().describe('deployment.environment.name (default: any).'),
    version: z.string().min(1).max(256).optional().describe('The deploy\'s service.version (default: the latest deploy).'),
    show: z
      .enum(['changes', 'all'])
      .default('changes')
      .describe('"changes": functions that regressed, improved or whose code the deploy changed; "all": every function compared.'),
    limit: z.number().int().min(1).max(100).default(25).describe('At most this many functions (1..100), regressions first.'),
  })
  .strict();

const RANK = { regressed: 0, improved: 1, insufficient: 2, unchanged: 3 } as const;

export const deployChanges = defineTool({
  name: 'deploy_changes',
  title: 'What changed since a deploy',
  description: [
    'Compares each function\'s production latency and error rate after a deploy with before it (the previous version), with statistical tests corrected for multiple comparisons, and says which functions the deploy\'s git diff changed.',
    'Use it to answer "did my deploy make anything slower or fail more?" or "is it safe / should we roll back?". Default: the latest deploy.',
    'verdict is regressed, improved, unchanged, or insufficient (not enough calls yet; waitingFor says until when).',
    'Units: latencies in milliseconds; p95Ratio = after/before (1.3 = 30 % slower); error rates 0..1; q = false-discovery-adjusted p-value (smaller is stronger evidence; below about 0.05 counts).',
    'changedInDiff says the deploy\'s diff touched the function; diffLines are the touched lines.',
  ].join(' '),
  input,
  async run(engine, p) {
    let diff;
    try {
      diff = await engine.deployDiff({ service: p.service, environment: p.environment, version: p.version });
    } catch (err) {
      if (err instanceof DeployNotFoundError) throw new ToolInputError(`deploy_changes: ${text(err.message, 600)}`);
      throw err;
    }
    if (!diff) return { deploy: null, note: 'No deploy is known yet: spans need service.version (or a deploy marker) for two versions of a service.' };
    const chosen = diff.functions
      .filter((f) => p.show === 'all' || f.verdict === 'regressed' || f.verdict === 'improved' || f.changedInDiff)
      .sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || Number(b.changedInDiff) - Number(a.changedInDiff) || (b.latency.p95Ratio ?? 0) - (a.latency.p95Ratio ?? 0));
    const { items, omitted } = capped(chosen, p.limit);
    const notes = capped(diff.report.notes, 8);
    return {
      service: text(diff.service),
      environment: text(diff.environment),
      deploy: {
        version: text(diff.deploy.version),
        commit: textOrNull(diff.deploy.commit),
        previousVersion: textOrNull(diff.deploy.previousVersion),
        previousCommit: textOrNull(diff.deploy.previousCommit),
        firstSeen: diff.deploy.firstSeen,
      },
      comparison: text(diff.comparison, 300),
      elapsedMs: Math.round(diff.report.elapsedMs),
      checkpoint: diff.report.checkpoint?.label ?? null,
      nextCheckpoint: diff.report.nextCheckpoint?.label ?? null,
      summary: diff.report.summary,
      notes: notes.items.map((n) => text(n, 300)),
      gitProblem: textOrNull(diff.gitProblem, 300),
      compared: diff.functions.length,
      omitted,
      functions: items.map(compactDiff),
    };
  },
});

function side(s: DiffSide) {
  return { requests: s.requests, errors: s.errors, errorRate: ratio(s.errorRate), p50Ms: ms(s.p50Ms), p95Ms: ms(s.p95Ms), p99Ms: ms(s.p99Ms) };
}

function compactDiff(f: DeployDiffFunction) {
  const lines = capped(f.diffLines, MAX_DIFF_LINES);
  return {
    file: text(f.file, 300),
    symbol: text(f.symbol),
    line: f.line,
    verdict: f.verdict,
    changedInDiff: f.changedInDiff,
    waitingFor: f.waitingFor,
    reasons: f.reasons.slice(0, MAX_REASONS).map((r) => text(r)),
    before: side(f.before),
    after: side(f.after),
    latency: { p95Ratio: ratio(f.latency.p95Ratio), p95DeltaMs: ms(f.latency.p95DeltaMs), direction: f.latency.direction, q: prob(f.latency.q) },
    errors: { rateBefore: ratio(f.errors.rateBefore), rateAfter: ratio(f.errors.rateAfter), direction: f.errors.direction, q: prob(f.errors.q) },
    newErrorTypes: f.newErrorTypes.slice(0, 5).map((e) => ({ type: text(e.type), count: e.count })),
    ...(f.explainedByMix ? { explainedByMix: true } : {}),
    ...(f.movedWithService ? { movedWithService: true } : {}),
    diffLines: lines.items.map((l) => text(l)),
    ...(lines.omitted ? { diffLinesOmitted: lines.omitted } : {}),
  };
}
