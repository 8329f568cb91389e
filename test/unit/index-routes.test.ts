import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeExtractor } from '../../language-server/index/routes';
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
