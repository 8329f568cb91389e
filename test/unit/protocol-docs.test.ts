import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

/** The protocol is documented and the doc cannot drift (STYLE.md habit 2). */
describe('ARCHITECTURE.md documents the protocol', () => {
  const doc = read('ARCHITECTURE.md');

  it('lists every custom LSP method', () => {
    const methods = [...read('protocol/lsp.ts').matchAll(/'(prodlens\/[A-Za-z]+)'/g)].map((m) => m[1]!);
    expect(methods.length).toBeGreaterThan(3);
    const missing = methods.filter((m) => !doc.includes(`\`${m}\``));
    expect(missing).toEqual([]);
  });

  it('lists every webview message type', () => {
    const types = [...new Set([...read('protocol/webview.ts').matchAll(/type: z\.literal\('([A-Za-z]+)'\)/g)].map((m) => m[1]!))];
    expect(types.length).toBeGreaterThan(5);
    const section = doc.slice(doc.indexOf('### Webview messages'));
    const missing = types.filter((t) => !section.includes(`\`${t}\``));
    expect(missing).toEqual([]);
  });
});
