// Stock: reserving what a checkout takes.
'use strict';
const { traced } = require('@prodlens/instrument');

function reserveStock(stock, items) {
  const reserved = [];
  for (const item of items) {
    const level = stock.get(item.sku) ?? 0;
    stock.set(item.sku, level - item.quantity);
    reserved.push({ sku: item.sku, quantity: item.quantity });
  }
  return reserved;
}
reserveStock = traced(reserveStock);

module.exports = { reserveStock };
