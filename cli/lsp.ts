/**
 * `prodlens lsp --stdio` — the language server on its own for any LSP editor (Neovim, Helix, Zed,
 * Emacs, JetBrains through LSP4IJ). Settings arrive through initializationOptions and
 * workspace/configuration like any language server's.
 */
import { createConnection } from 'vscode-languageserver/node';
import { SERVER_NODE_FLAGS } from '../language-server/ingest/node-flags';
import { startServer } from '../language-server/server';
import { parseCommandArgs, UsageError } from './args';

const USAGE = [
  'usage: prodlens lsp --stdio',
  // The V8 flags the extension starts the server with: this process is already running, so only the editor's launch can set them.
  `Memory: start it as NODE_OPTIONS="${SERVER_NODE_FLAGS.join(' ')}" prodlens lsp --stdio to keep it within ~300 MB while it ingests.`,
].join('\n');

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('lsp', args, { stdio: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.stdio) throw new UsageError(`prodlens lsp: only --stdio is supported.\n${USAGE}`);
  const connection = createConnection(process.stdin, process.stdout);
  const closed = new Promise<void>((resolve) => connection.onExit(() => resolve()));
  startServer(connection);
  await closed;
  return 0;
}
