/** Reads `prodlens.*` from VS Code into the shape of protocol/settings.ts (validated by the server). */
import * as vscode from 'vscode';
import { settingsSchema } from '@protocol/settings';

export function readSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('prodlens');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = config.get(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function serverRuntime(): string {
  return vscode.workspace.getConfiguration('prodlens').get<string>('serverRuntime', '').trim();
}
