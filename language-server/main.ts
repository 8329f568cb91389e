/** Process entry of the language server (dist/server.js): LSP over stdio, IPC or a socket as the client chooses. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
