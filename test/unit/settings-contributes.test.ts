/** package.json `contributes.configuration` matches protocol/settings.ts exactly (STYLE.md habit 3). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_SETTINGS, settingsSchema } from '../../protocol/settings';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;
// Presentation keys VS Code reads that have no meaning in the schema.
const PRESENTATION = new Set(['order', 'scope']);

function withoutPresentation(p: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([k]) => !PRESENTATION.has(k)));
}

describe('package.json settings ↔ settingsSchema', () => {
  it('declares exactly the schema keys, as prodlens.<key>', () => {
    expect(Object.keys(properties).sort()).toEqual(Object.keys(settingsSchema.shape).map((k) => `prodlens.${k}`).sort());
  });

  it.each(Object.keys(settingsSchema.shape))('prodlens.%s has the schema type, default, description and bounds', (key) => {
    const { $schema: _, ...expected } = z.toJSONSchema(settingsSchema.shape[key as keyof typeof settingsSchema.shape], { io: 'input' }) as Record<string, unknown>;
    expect(withoutPresentation(properties[`prodlens.${key}`]!)).toEqual(expected);
    expect(properties[`prodlens.${key}`]!.default).toEqual(DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS]);
    expect(String(expected.description ?? '')).not.toBe('');
  });

  it('keeps the settings a workspace could abuse out of untrusted workspaces', () => {
    expect(pkg.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(expect.arrayContaining(['prodlens.serverRuntime', 'prodlens.collectorUrl']));
  });
});
