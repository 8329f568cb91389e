import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';

const SHOP = path.join(__dirname, '../fixtures/index/shop');

let root: string;
let index: WorkspaceIndex;

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

function names(file: string): string[] {
  return index.symbolsIn(file).map((s) => `${s.qualifiedName}@${s.startLine}`);
}

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'prodlens-index-update-'));
  fs.cpSync(SHOP, root, { recursive: true });
  index = await WorkspaceIndex.build(root, { maxFileBytes: 4096 });
});

afterEach(() => {
  index.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('updateFile', () => {
  it('re-parses one file from editor text and leaves every other file as it was', async () => {
    const others = [...index.files()].filter((f) => f !== 'src/util/format.ts');
    const before = new Map(others.map((f) => [f, index.symbolsIn(f)]));
    await index.updateFile('src/util/format.ts', 'export class Money {\n  format(cents: number) {\n    return String(cents);\n  }\n}\n');
    expect(names('src/util/format.ts')).toEqual(['Money@0', 'Money.format@1']);
    expect(index.symbolsNamed('formatMoney').map((s) => s.file)).toEqual(['lib/util/format.ts']);
    expect(index.symbolsNamed('Money.format').map((s) => s.file)).toEqual(['src/util/format.ts']);
    for (const f of others) expect(index.symbolsIn(f)).toBe(before.get(f));
    // The text came from the editor; the file on disk still has the old function.
    expect(fs.readFileSync(path.join(root, 'src/util/format.ts'), 'utf8')).toContain('formatMoney');
  });

  it('reads the file from disk when no text is given, accepting absolute paths', async () => {
    write('src/billing/billing-service.ts', '// moved down\n\nexport class BillingService {\n  async refund(): Promise<void> {}\n}\n');
    await index.updateFile(path.join(root, 'src/billing/billing-service.ts'));
    expect(names('src/billing/billing-service.ts')).toEqual(['BillingService@2', 'BillingService.refund@3']);
    expect(index.symbolsNamed('BillingService.place').map((s) => s.file)).toEqual(['java/src/main/java/com/shop/billing/BillingService.java']);
  });

  it('keeps the body hash of a moved function and changes it for an edited one', async () => {
    const file = 'src/orders/order-service.ts';
    const original = fs.readFileSync(path.join(root, file), 'utf8');
    const cancel = () => index.symbolsNamed('OrderService.cancel').find((s) => s.file === file)!;
    const place = () => index.symbolsNamed('OrderService.place').find((s) => s.file === file)!;
    const [cancelHash, placeHash] = [cancel().bodyHash, place().bodyHash];
    await index.updateFile(file, `// header\n// header\n${original.replace('const id = await', 'const id: string = await')}`);
    expect(cancel().startLine).toBe(17);
    expect(cancel().bodyHash).toBe(cancelHash);
    expect(place().bodyHash).not.toBe(placeHash);
  });

  it('adds new files and forgets deleted ones', async () => {
    write('src/orders/refunds.ts', 'export function refund(id: string) {\n  return id;\n}\n');
    await index.updateFile('src/orders/refunds.ts');
    expect(names('src/orders/refunds.ts')).toEqual(['refund@0']);
    expect(index.filesForPath('/app/src/orders/refunds.ts')).toEqual(['src/orders/refunds.ts']);
    fs.rmSync(path.join(root, 'src/orders/refunds.ts'));
    await index.updateFile('src/orders/refunds.ts');
    expect([...index.files()]).not.toContain('src/orders/refunds.ts');
    expect(index.filesForPath('/app/src/orders/refunds.ts')).toEqual([]);
    await index.removeFile('src/util/format.ts');
    expect(index.filesForPath('/app/util/format.ts')).toEqual(['lib/util/format.ts']);
  });

  it('renames Python modules when an __init__.py appears', async () => {
    write('scripts/tasks/cleanup.py', 'def run():\n    pass\n');
    await index.updateFile('scripts/tasks/cleanup.py');
    expect(names('scripts/tasks/cleanup.py')).toEqual(['cleanup.run@0']);
    write('scripts/tasks/__init__.py', '');
    await index.updateFile('scripts/tasks/__init__.py');
    expect(names('scripts/tasks/cleanup.py')).toEqual(['tasks.cleanup.run@0']);
  });

  it('ignores excluded, dependency and oversized files', async () => {
    write('node_modules/pkg/index.js', 'function dep() {}\n');
    await index.updateFile('node_modules/pkg/index.js');
    write('src/generated/huge.ts', `export function big() {}\n${'// padding\n'.repeat(500)}`);
    await index.updateFile('src/generated/huge.ts');
    expect(index.symbolsNamed('dep')).toEqual([]);
    expect(index.symbolsNamed('big')).toEqual([]);
    expect(index.skippedFiles().get('src/generated/huge.ts')).toBe('too-large');
    await index.updateFile(path.join(os.tmpdir(), 'outside-the-workspace.ts'), 'function outside() {}');
    expect(index.symbolsNamed('outside')).toEqual([]);
  });

});

describe('minified files', () => {
  it('skips them by name and by their long lines, and says why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodlens-minified-'));
    const bundle = Array.from({ length: 40 }, (_, i) => `function m${i}(a){return a+${i}}`.padEnd(900, ';')).join('\n');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src/app.bundle.js'), bundle);
    fs.writeFileSync(path.join(dir, 'src/lib.min.js'), 'function tiny(){}\n');
    // The same functions on short lines are ordinary code.
    fs.writeFileSync(path.join(dir, 'src/app.js'), bundle.replace(/;+/g, ';\n'));
    const built = await WorkspaceIndex.build(dir, { parseWorkers: 0 });
    try {
      expect(built.skippedFiles().get('src/app.bundle.js')).toBe('minified');
      expect(built.skippedFiles().get('src/lib.min.js')).toBe('minified');
      expect(built.symbolsNamed('tiny')).toEqual([]);
      expect(built.symbolsNamed('m7').map((s) => s.file)).toEqual(['src/app.js']);
    } finally {
      built.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('build options', () => {
  it('leaves out files matching exclude globs', async () => {
    const filtered = await WorkspaceIndex.build(root, { exclude: ['java/**', '*.tsx', 'scripts'] });
    try {
      const files = [...filtered.files()];
      expect(files.some((f) => f.startsWith('java/') || f.endsWith('.tsx') || f.startsWith('scripts/'))).toBe(false);
      expect(files).toContain('src/orders/order-service.ts');
    } finally {
      filtered.dispose();
    }
  });
});
