// The shop's HTTP API on plain node:http: GET /catalog, GET /orders/:id, POST /checkout.
// Prints "shop listening on <port>" once it accepts connections (PORT=0 picks a free port).
'use strict';
const http = require('node:http');
const { Database } = require('./db');
const { listProducts } = require('./catalog');
const { OrderRepository } = require('./orders');
const { priceCart } = require('./pricing');
const { reserveStock } = require('./stock');
const { chargePayment } = require('./payments');
const { seedTables, SKUS } = require('./seed');

const db = new Database(seedTables());
const orders = new OrderRepository(db);
const stock = new Map(SKUS.map((sku) => [sku, 1000]));
const paymentsUrl = process.env.PAYMENTS_URL || 'http://127.0.0.1:4400';

async function getOrder(req, res, id) {
  sendJson(res, 200, await orders.findById(Number(id)));
}

async function getCatalog(req, res, query) {
  sendJson(res, 200, await listProducts(db, query));
}

async function postCheckout(req, res) {
  const cart = JSON.parse(await readBody(req));
  const priced = await priceCart(db, cart);
  const reserved = reserveStock(stock, cart.items);
  const chargeId = await chargePayment(paymentsUrl, priced.total);
  sendJson(res, 201, { chargeId, total: priced.total, reserved });
}

async function route(req, res) {
  const url = new URL(req.url, 'http://shop');
  const order = /^\/orders\/(\d+)$/.exec(url.pathname);
  if (req.method === 'GET' && order) return getOrder(req, res, order[1]);
  if (req.method === 'GET' && url.pathname === '/catalog') return getCatalog(req, res, url.searchParams);
  if (req.method === 'POST' && url.pathname === '/checkout') return postCheckout(req, res);
  sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => sendJson(res, err.status || 500, { error: err.name, message: err.message }));
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`shop listening on ${server.address().port}`);
});
