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
  lsp: {
    summary: 'run the language server over stdio for any LSP editor',
    load: () => import('./lsp'),
  },
};
