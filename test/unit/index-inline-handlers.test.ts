/**
 * Handlers written inline at a route registration have no name of their own; the index names them
 * after the registration so lenses, hovers and route/stack mapping can land on them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouteExtractor } from '../../language-server/index/routes';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';

const FILES: Record<string, string> = {
  'src/orders.ts': [
    "import express from 'express';",
    'export const router = express.Router();',
    "router.get('/:id', auth, async (req, res) => {",
    '  res.json(await load(req.params.id));',
    '});',
    'router.post(',
    "  '/',",
    '  function (req, res) {',
    '    res.status(201).end();',
    '  },',
    ');',
    'setTimeout(() => flush(), 10);',
    "router.put('/:id', update);",
    'export function build(app) {',
    "  app.delete('/all', (req, res) => {",
    '    res.end();',
    '  });',
    '}',
  ].join('\n'),
  'src/app.ts': [
    "import express from 'express';",
    "import { router } from './orders';",
    'const app = express();',
    "app.use('/orders', router);",
  ].join('\n'),
  'cmd/server/main.go': [
    'package main',
    '',
    'import "net/http"',
    '',
    'func main() {',
    '\tgo func() {}()',
    '\thttp.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {',
    '\t\tw.WriteHeader(204)',
    '\t})',
    '}',
  ].join('\n'),
};

let root: string;
let index: WorkspaceIndex;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'prodlens-inline-'));
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  index = await WorkspaceIndex.build(root, { routeExtractor: createRouteExtractor() });
});
afterAll(() => {
  index.dispose();
  rmSync(root, { recursive: true, force: true });
});

const rows = (file: string) => index.symbolsIn(file).map((s) => [s.qualifiedName, s.startLine, s.endLine]);

describe('inline route handlers', () => {
  it('names JS/TS callbacks after their registration, on the callback line, and nothing else', () => {
    expect(rows('src/orders.ts')).toEqual([
      ["router.get('/:id')", 2, 4],
      // The lens sits above the callback itself, not above the `router.post(` line.
      ["router.post('/')", 7, 9],
      ['build', 13, 17],
      ["app.delete('/all')", 14, 16],
    ]);
    // A line inside the nested callback belongs to it, not to the function registering it.
    expect(index.enclosingSymbol('src/orders.ts', 15)?.qualifiedName).toBe("app.delete('/all')");
  });

  it('maps the joined route onto the callback', () => {
    const [get] = index.routesFor('GET', '/orders/:id');
    expect(get).toMatchObject({ handler: "router.get('/:id')", handlerFile: 'src/orders.ts', handlerLine: 2 });
    const [post] = index.routesFor('POST', '/orders');
    expect(post).toMatchObject({ handler: "router.post('/')", handlerLine: 7 });
  });

  it('names a Go func literal after its registration and keeps the compiler name as an alias', () => {
    expect(rows('cmd/server/main.go')).toEqual([
      ['main', 4, 9],
      ['http.HandleFunc("GET /ping")', 6, 8],
    ]);
    // The goroutine literal is main.func1, so the handler is main.func2 in stack traces.
    expect(index.symbolsNamed('main.main.func2').map((s) => s.qualifiedName)).toEqual(['http.HandleFunc("GET /ping")']);
    expect(index.routesFor('GET', '/ping')[0]).toMatchObject({ handler: 'http.HandleFunc("GET /ping")', handlerLine: 6 });
  });
});
