// The catalogue: products from the database, ranked for the storefront.
'use strict';
const { traced } = require('@prodlens/instrument');

// Functions are declared, then wrapped: reassigning the binding keeps the calls made from inside
// this module traced too, and the span's code.function.name finds the declaration by name.

async function listProducts(db, query) {
  const products = await db.query('SELECT * FROM products', ['products']);
  const term = (query.get('q') || '').toLowerCase();
  const matching = term ? products.filter((p) => p.name.toLowerCase().includes(term)) : products;
  return rankProducts(matching).slice(0, 20);
}
listProducts = traced(listProducts);

function rankProducts(products) {
  function score(p) {
    return p.rating * 10 + Math.log1p(p.sold);
  }
  return [...products].sort((a, b) => score(b) - score(a));
}
rankProducts = traced(rankProducts);

module.exports = { listProducts, rankProducts };
