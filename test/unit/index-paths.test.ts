import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';

const SHOP = path.join(__dirname, '../fixtures/index/shop');

let root: string;
let index: WorkspaceIndex;

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

/** The 0-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  const line = fs.readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`${needle} not in ${file}`);
  return line;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'prodlens-index-paths-'));
  fs.cpSync(SHOP, root, { recursive: true });
  // A nested Go module, third-party code that must never match, and Go/Python files whose names
  // collide with runtime files.
  write('tools/go.mod', 'module github.com/acme/shop/tools\n\ngo 1.22\n');
  write('tools/gen/main.go', 'package main\n\nfunc main() {}\n');
  write('cmd/api/server.go', 'package main\n\nfunc serve() {}\n');
  write('node_modules/left-pad/index.ts', 'export function leftPad() {}\n');
  write('src/app.ts', "import { OrderService } from './orders/order-service';\nimport { BillingService } from './billing/billing-service';\nexport const services = [OrderService, BillingService];\n");
  // Real compiled output: one file per source with a .map beside it, one with an inline map, and a
  // bundle of several sources.
  await esbuild.build({ entryPoints: [path.join(root, 'src/orders/order-service.ts')], outfile: path.join(root, 'dist/orders.js'), sourcemap: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
  await esbuild.build({ entryPoints: [path.join(root, 'src/billing/billing-service.ts')], outfile: path.join(root, 'dist/billing.js'), sourcemap: 'inline', format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
  await esbuild.build({ entryPoints: [path.join(root, 'src/app.ts')], outfile: path.join(root, 'dist/app.js'), bundle: true, sourcemap: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
  index = await WorkspaceIndex.build(root, { pathMappings: [{ from: '/opt/legacy', to: 'src/legacy' }, { from: '/srv/lib-app', to: 'lib' }] });
});

afterAll(() => {
  index.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('longest path-suffix matching', () => {
  it('strips container prefixes, URL schemes and Windows drives', () => {
    expect(index.filesForPath('/app/src/orders/order-service.ts')).toEqual(['src/orders/order-service.ts']);
    expect(index.filesForPath('/app/orders/order-service.ts')).toEqual(['src/orders/order-service.ts']);
    expect(index.filesForPath('file:///app/src/legacy/payments.js')).toEqual(['src/legacy/payments.js']);
    expect(index.filesForPath('webpack:///./src/orders/order-service.ts')).toEqual(['src/orders/order-service.ts']);
    expect(index.filesForPath('C:\\build\\shop\\web\\OrderList.tsx')).toEqual(['web/OrderList.tsx']);
  });

  it('returns every file tied for the longest suffix, so ambiguity is visible', () => {
    expect(index.filesForPath('/app/util/format.ts')).toEqual(['lib/util/format.ts', 'src/util/format.ts']);
    expect(index.filesForPath('/app/src/util/format.ts')).toEqual(['src/util/format.ts']);
    expect(index.filesForPath('/srv/shop/shop/billing/views.py')).toEqual(['shop/billing/views.py']);
  });

  it('never resolves third-party or runtime paths into the workspace', () => {
    expect([...index.files()].some((f) => f.startsWith('node_modules/'))).toBe(false);
    expect(index.filesForPath('/app/node_modules/left-pad/index.ts')).toEqual([]);
    expect(index.filesForPath('/usr/lib/python3.11/site-packages/flask/views.py')).toEqual([]);
    expect(index.filesForPath('/usr/local/go/src/net/http/server.go')).toEqual([]);
    expect(index.filesForPath('/root/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/gin.go')).toEqual([]);
    expect(index.filesForPath('/app/src/nothing-like-this.ts')).toEqual([]);
  });

  it('applies user path mappings before suffix matching', () => {
    expect(index.filesForPath('/opt/legacy/payments.js')).toEqual(['src/legacy/payments.js']);
    // Without the mapping this path is ambiguous (see above); the mapping settles it.
    expect(index.filesForPath('/srv/lib-app/util/format.ts')).toEqual(['lib/util/format.ts']);
  });
});

describe('Java and Go paths', () => {
  it('builds the package path from a frame class name', () => {
    expect(index.filesForJavaClass('com.shop.OrderService$Item', 'OrderService.java')).toEqual(['java/src/main/java/com/shop/OrderService.java']);
    expect(index.filesForJavaClass('com.shop.billing.BillingService')).toEqual(['java/src/main/java/com/shop/billing/BillingService.java']);
    expect(index.filesForJavaClass('com.other.OrderService', 'OrderService.java')).toEqual([]);
  });

  it("strips the module path read from each go.mod, the nested module's first", () => {
    expect(index.filesForPath('github.com/acme/shop/orders/service.go')).toEqual(['orders/service.go']);
    expect(index.filesForPath('github.com/acme/shop/tools/gen/main.go')).toEqual(['tools/gen/main.go']);
    expect(index.filesForPath('/home/runner/work/shop/shop/billing/service.go')).toEqual(['billing/service.go']);
  });
});

describe('compiled JavaScript and source maps', () => {
  it('does not index output folders for symbols', () => {
    expect([...index.files()].filter((f) => f.startsWith('dist/'))).toEqual([]);
  });

  it('maps a compiled file to its source through a .map file and an inline map', () => {
    expect(index.filesForPath('/app/dist/orders.js')).toEqual(['src/orders/order-service.ts']);
    expect(index.filesForPath('/app/dist/billing.js')).toEqual(['src/billing/billing-service.ts']);
  });

  it('lists every source of a bundle, and resolves a frame line to one of them', () => {
    expect(index.filesForPath('/app/dist/app.js')).toEqual(['src/app.ts', 'src/billing/billing-service.ts', 'src/orders/order-service.ts']);
    const line = lineOf('dist/app.js', 'this.repo.save(order)');
    const pos = index.originalPosition('/app/dist/app.js', line);
    expect(pos?.file).toBe('src/orders/order-service.ts');
    expect(pos?.line).toBe(11);
    expect(index.enclosingSymbol(pos!.file, pos!.line)?.qualifiedName).toBe('OrderService.place');
  });

  it('resolves lines and columns of a single-file build', () => {
    const line = lineOf('dist/orders.js', 'return this.repo.delete(id)');
    const column = fs.readFileSync(path.join(root, 'dist/orders.js'), 'utf8').split('\n')[line]!.indexOf('this.repo');
    expect(index.originalPosition('dist/orders.js', line, column)).toMatchObject({ file: 'src/orders/order-service.ts', line: 16 });
    const billing = lineOf('dist/billing.js', 'invalid amount');
    expect(index.originalPosition('dist/billing.js', billing)).toMatchObject({ file: 'src/billing/billing-service.ts', line: 3 });
  });

  it('has no position for a file without a map', () => {
    expect(index.originalPosition('src/legacy/payments.js', 3)).toBeUndefined();
  });
});
