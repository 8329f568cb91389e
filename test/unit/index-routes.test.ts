import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouteExtractor, routeExtractor } from '../../language-server/index/routes';
import { WorkspaceIndex } from '../../language-server/index/workspace-index';

const SHOP = path.join(__dirname, '../fixtures/index/shop');

let root: string;
let index: WorkspaceIndex;

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

const EXPRESS_APP = `import express from 'express';

const app = express();

app.get('/orders/:id', async function showOrder(req, res) {
  res.json({ id: req.params.id });
});

app.listen(3000);
`;

const FLASK_APP = `from flask import Flask

app = Flask(__name__)


@app.route("/invoices/<int:invoice_id>", methods=["GET"])
def show_invoice(invoice_id):
    return {"id": invoice_id}
`;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'prodlens-index-routes-'));
  fs.cpSync(SHOP, root, { recursive: true });
  write('src/server.ts', EXPRESS_APP);
  write('shop/invoices/__init__.py', '');
  write('shop/invoices/app.py', FLASK_APP);
  index = await WorkspaceIndex.build(root, { routeExtractor });
});

afterAll(() => {
  index.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('routes through the route extractor', () => {
  it('finds a route in any placeholder spelling and names its handler as the symbol index does', () => {
    for (const route of ['/orders/:id', '/orders/{id}', '/orders/<id>']) {
      const [def, ...rest] = index.routesFor('GET', route);
      expect(rest).toEqual([]);
      expect(def).toMatchObject({ file: 'src/server.ts', framework: 'express', method: 'GET', route: '/orders/:id' });
    }
    const [flask] = index.routesFor('GET', '/invoices/{invoice_id}');
    expect(flask).toMatchObject({ file: 'shop/invoices/app.py', framework: 'flask', handler: 'shop.invoices.app.show_invoice' });
    expect(index.routesFor('POST', '/invoices/{invoice_id}')).toEqual([]);
  });

  it('keeps routes through body edits, and follows moved lines and renamed handlers', async () => {
    await index.updateFile('src/server.ts', EXPRESS_APP.replace('res.json({ id: req.params.id })', 'res.json({ id: req.params.id, ok: true })'));
    expect(index.routesFor('GET', '/orders/{id}').map((r) => r.route)).toEqual(['/orders/:id']);
    const line = index.routesFor('GET', '/invoices/{}')[0]!.line;
    await index.updateFile('shop/invoices/app.py', `import logging\n\n${FLASK_APP.replace(/show_invoice/g, 'get_invoice')}`);
    const [moved] = index.routesFor('GET', '/invoices/{}');
    expect(moved).toMatchObject({ line: line + 2, handler: 'shop.invoices.app.get_invoice' });
  });

  it('re-reads routes when a file changes', async () => {
    await index.updateFile('src/server.ts', EXPRESS_APP.replace("'/orders/:id'", "'/api/orders/:orderId'"));
    expect(index.routesFor('GET', '/orders/:id')).toEqual([]);
    expect(index.routesFor('GET', '/api/orders/{}').map((r) => r.route)).toEqual(['/api/orders/:orderId']);
    await index.removeFile('shop/invoices/app.py');
    expect(index.routesFor('GET', '/invoices/{invoice_id}')).toEqual([]);
  });

  it('has no gRPC handlers in a workspace without gRPC services', () => {
    expect(index.rpcHandlers('shop.OrderService', 'PlaceOrder')).toEqual([]);
  });
});

describe('one-file updates that only move lines', () => {
  const ROUTER = `import { Router } from 'express';
import { listCarts } from './carts';

export const router = Router();

router.get('/carts', listCarts);
`;
  const CARTS = `export function listCarts(req: unknown, res: { json(v: unknown): void }) {
  res.json([]);
}
`;
  const GO_MAIN = `package main

import "net/http"

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stock/{sku}", getStock)
	http.ListenAndServe(":8080", mux)
}
`;
  const GO_HANDLER = `package main

import "net/http"

func getStock(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(200)
}
`;
  let dir: string;
  let ws: WorkspaceIndex;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodlens-index-lines-'));
    for (const [rel, text] of Object.entries({ 'src/router.ts': ROUTER, 'src/carts.ts': CARTS, 'src/util.ts': 'export function pad(s: string) {\n  return s;\n}\n', 'go/main.go': GO_MAIN, 'go/stock.go': GO_HANDLER })) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    ws = await WorkspaceIndex.build(dir, { routeExtractor: createRouteExtractor(), parseWorkers: 0 });
  });

  afterAll(() => {
    ws.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follows a handler whose file moved down, though its registration did not move', async () => {
    const [before] = ws.routesFor('GET', '/carts');
    expect(before).toMatchObject({ file: 'src/router.ts', handler: 'listCarts', handlerFile: 'src/carts.ts', handlerLine: 0 });
    await ws.updateFile('src/carts.ts', `// Carts.\n\n${CARTS}`);
    expect(ws.routesFor('GET', '/carts')).toMatchObject([{ handler: 'listCarts', handlerLine: 2, line: before!.line }]);
  });

  it('keeps the joined routes as they were when lines move in a file no route points into', async () => {
    const before = ws.allRoutes();
    await ws.updateFile('src/util.ts', '\n\nexport function pad(s: string) {\n  return s;\n}\n');
    const after = ws.allRoutes();
    expect(after).toHaveLength(before.length);
    // The very same definitions: nothing was joined again.
    after.forEach((def, i) => expect(def).toBe(before[i]));
    await ws.updateFile('src/util.ts', 'export function padLeft(s: string) {\n  return s;\n}\n');
    expect(ws.allRoutes()[0]).not.toBe(before[0]);
  });

  it('follows Go handlers as the files of their package change', async () => {
    expect(ws.routesFor('GET', '/stock/{sku}')).toMatchObject([{ handler: 'getStock', handlerFile: 'go/stock.go', handlerLine: 4 }]);
    await ws.updateFile('go/stock.go', `\n${GO_HANDLER}`);
    expect(ws.routesFor('GET', '/stock/{sku}')).toMatchObject([{ handler: 'getStock', handlerFile: 'go/stock.go', handlerLine: 5 }]);
    await ws.updateFile('go/stock.go', GO_HANDLER.replace('getStock', 'readStock'));
    expect(ws.routesFor('GET', '/stock/{sku}')).toMatchObject([{ handler: null, handlerFile: null }]);
    fs.writeFileSync(path.join(dir, 'go/stock_v2.go'), GO_HANDLER);
    await ws.updateFile('go/stock_v2.go');
    expect(ws.routesFor('GET', '/stock/{sku}')).toMatchObject([{ handler: 'getStock', handlerFile: 'go/stock_v2.go', handlerLine: 4 }]);
    await ws.removeFile('go/stock_v2.go');
    expect(ws.routesFor('GET', '/stock/{sku}')).toMatchObject([{ handler: null }]);
  });
});

describe('without a route extractor', () => {
  it('knows no routes', async () => {
    const plain = await WorkspaceIndex.build(root);
    try {
      expect(plain.routesFor('GET', '/api/orders/{}')).toEqual([]);
      expect(plain.allRoutes()).toEqual([]);
    } finally {
      plain.dispose();
    }
  });
});
