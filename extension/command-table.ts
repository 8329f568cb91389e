/**
 * The one table of Prodlens commands. package.json `contributes.commands` is checked against it by
 * test/unit/extension-commands.test.ts, and commands.ts must give every id a handler (the compiler
 * checks that through `Record<CommandId, …>`). No `vscode` import here, so tests can read it.
 */
export const COMMANDS = [
  { id: 'prodlens.connect', title: 'Connect to Collector…', trusted: false },
  { id: 'prodlens.setToken', title: 'Set Collector Token…', trusted: false },
  { id: 'prodlens.startLocalCollector', title: 'Start Local Collector', trusted: true },
  { id: 'prodlens.showDeployDiff', title: 'Show What Changed Since My Deploy', trusted: false },
  { id: 'prodlens.openTrace', title: 'Open Trace…', trusted: false },
  { id: 'prodlens.showUnmapped', title: 'Show Unmapped Telemetry', trusted: false },
  { id: 'prodlens.refresh', title: 'Refresh', trusted: false },
  { id: 'prodlens.showFunction', title: 'Show Function Details', trusted: false },
  { id: 'prodlens.showOutput', title: 'Show Output', trusted: false },
] as const;

export type CommandId = (typeof COMMANDS)[number]['id'];

/** Commands that code lenses and the status bar run with arguments; hidden from the command palette. */
export const INTERNAL_COMMANDS: ReadonlySet<CommandId> = new Set<CommandId>(['prodlens.showFunction']);

export const CATEGORY = 'Prodlens';
