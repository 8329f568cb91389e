// Pricing a cart: line totals, subtotal, shipping.
'use strict';
const { traced } = require('@prodlens/instrument');

async function priceCart(db, cart) {
  const lines = cart.items.map((item) => ({ ...item, cents: item.priceCents * item.quantity }));
  const subtotal = lines.reduce((sum, l) => sum + l.cents, 0);
  const shipping = subtotal > 5000 ? 0 : 495;
  return { lines, subtotal, shipping, total: subtotal + shipping };
}
priceCart = traced(priceCart);

module.exports = { priceCart };
