import { z } from 'zod';
import { DeployNotFoundError } from '../deploys/deploy-choice';
import { ratio, text } from './bounds';
import { defineTool, ToolInputError } from './tool';

const input = z
  .object({
    service: z.string().min(1).max(256).optional().describe('service.name (default: the service of the latest deploy).'),
    environment: z.string().min(1).max(256).optional().describe('deployment.environment.name (default: any).'),
    period: z
      .string()
      .regex(/^\d+(?:\.\d+)?(?:h|d)$/, 'a period in hours or days such as 7d or 30d')
      .default('30d')
      .describe('How far back from now, in hours or days, e.g. "7d" (default "30d").'),
  })
  .strict();

const HOUR = 3_600_000;

export const dora = defineTool({
  name: 'dora',
  title: 'DORA delivery metrics',
  description: [
    'The four DORA figures for a service over a period ending now, from the deploys Prodlens saw (new service.version values or deploy markers) and its deploy comparisons:',
    'deployment frequency (deploys, per day, per week), lead time for changes (commit time to first seen in production, median and p90, in hours), change failure rate (share 0..1 of deploys whose comparison found a regression), and time to restore (failing deploy to the next good one, median in hours).',
    'Use it for questions about delivery performance or how often deploys regress.',
  ].join(' '),
  input,
  async run(engine, p) {
    let report;
    try {
      report = await engine.dora({ service: p.service, environment: p.environment, period: p.period });
    } catch (err) {
      if (err instanceof DeployNotFoundError) throw new ToolInputError(`dora: ${text(err.message, 600)}`);
      throw err;
    }
    if (!report) return { report: null, note: 'No deploy is known yet: spans need service.version (or a deploy marker).' };
    const hours = (v: number | null) => (v === null ? null : Math.round((v / HOUR) * 100) / 100);
    return {
      from: new Date(report.from).toISOString(),
      to: new Date(report.to).toISOString(),
      days: ratio(report.days),
      deploymentFrequency: { deploys: report.deploymentFrequency.deploys, perDay: ratio(report.deploymentFrequency.perDay), perWeek: ratio(report.deploymentFrequency.perWeek) },
      leadTimeForChanges: { medianHours: hours(report.leadTimeForChanges.medianMs), p90Hours: hours(report.leadTimeForChanges.p90Ms), commits: report.leadTimeForChanges.commits },
      changeFailureRate: { failed: report.changeFailureRate.failed, deploys: report.changeFailureRate.deploys, rate: ratio(report.changeFailureRate.rate) },
      timeToRestore: { medianHours: hours(report.timeToRestore.medianMs), restored: report.timeToRestore.restored, unresolved: report.timeToRestore.unresolved },
    };
  },
});
