import { describe, expect, it } from 'vitest';
import { getParser, languageForFile } from '../../language-server/index/parsers';
import type { Language } from '../../language-server/index/types';

const samples: Array<[Language, string, string]> = [
  ['typescript', 'class A { m(x: number): void {} }', 'method_definition'],
  ['tsx', 'const C = () => <div/>;', 'arrow_function'],
  ['javascript', 'function f() {}', 'function_declaration'],
  ['python', 'def f():\n    pass\n', 'function_definition'],
  ['go', 'package p\nfunc F() {}\n', 'function_declaration'],
  ['java', 'class A { void m() {} }', 'method_declaration'],
];

describe('grammar loading', () => {
  it.each(samples)('parses %s with the official grammar wasm', async (lang, source, nodeType) => {
    const parser = await getParser(lang);
    const tree = parser.parse(source);
    expect(tree).not.toBeNull();
    expect(tree!.rootNode.hasError).toBe(false);
    expect(tree!.rootNode.descendantsOfType(nodeType).length).toBe(1);
  });

  it('picks languages by extension and skips declaration files', () => {
    expect(languageForFile('src/a.ts')).toBe('typescript');
    expect(languageForFile('src/a.d.ts')).toBeUndefined();
    expect(languageForFile('web/App.tsx')).toBe('tsx');
    expect(languageForFile('pkg/main.go')).toBe('go');
    expect(languageForFile('README.md')).toBeUndefined();
  });
});
