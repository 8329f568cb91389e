/** The subcommand table. Modules load lazily so `prodlens collector` never loads SQLite. */
export interface CliCommand {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

export const commands: Record<string, CliCommand> = {
  collector: {
    summary: 'run the OTLP collector (HTTP :4318, gRPC :4317) with its durable spool and pull API',
    load: () => import('./collector'),
  },
  report: {
    summary: 'pull from a collector and print per-function production numbers (table, markdown or JSON)',
    load: () => import('./report'),
  },
  diff: {
    summary: 'what changed since a deploy: per-function verdicts with the git diff (exit 1 on regression with --fail-on)',
    load: () => import('./diff'),
  },
  dora: {
    summary: 'DORA figures (deploy frequency, lead time, change failure rate, time to restore) for a period',
    load: () => import('./dora'),
  },
  lsp: {
    summary: 'run the language server over stdio for any LSP editor',
    load: () => import('./lsp'),
  },
  mcp: {
    summary: 'run the MCP server over stdio so AI assistants can ask production (function stats, deploy changes, traces)',
    load: () => import('./mcp'),
  },
};
