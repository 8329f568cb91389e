/**
 * `prodlens` — the command line. One module per subcommand; each exports `run(args)` and resolves
 * to the process exit code. Scripts and CI call these commands, so flags and JSON are a contract
 * (DESIGN.md "CLI").
 */
import { UsageError } from './args';
import { commands } from './commands';

const USAGE = `usage: prodlens <command> [options]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "prodlens <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`prodlens: unknown command "${name}".\n\n${USAGE}\n`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // Servers (collector, lsp, mcp) resolve only when they have shut down, so exiting is safe.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`prodlens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
