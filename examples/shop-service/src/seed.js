// The fake database's contents: products, orders and their lines, tax rates.
'use strict';

const SKUS = ['EU-KETTLE', 'EU-MUG', 'EU-TEAPOT', 'EU-FILTER', 'US-GRINDER', 'US-SCALE', 'US-BEANS', 'US-PRESS', 'UK-TRAY', 'UK-COSY', 'EU-SPOON', 'US-CUP'];

function seedTables() {
  const products = SKUS.map((sku, i) => ({ id: i + 1, sku, name: sku.slice(3).toLowerCase(), rating: 3 + (i % 3), sold: 100 * (i + 1), priceCents: 500 + 250 * i }));
  const orders = Array.from({ length: 500 }, (_, i) => ({ id: i + 1, status: i % 5 === 0 ? 'shipped' : 'placed', lineCount: 1 + (i % 4) }));
  const lines = SKUS.slice(0, 4).map((sku, i) => ({ sku, quantity: 1 + i, priceCents: 500 + 250 * i }));
  const taxRates = SKUS.map((sku) => ({ id: sku, vat: sku.startsWith('US') ? 0.07 : 0.2 }));
  return { products, orders, lines, taxRates };
}

module.exports = { seedTables, SKUS };
