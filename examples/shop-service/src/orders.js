// Orders: a repository over the database and the view the API returns.
'use strict';
const { traced } = require('@prodlens/instrument');

class OrderNotFoundError extends Error {
  constructor(id) {
    super(`order ${id} does not exist`);
    this.name = 'OrderNotFoundError';
    this.status = 404;
  }
}

class OrderRepository {
  constructor(db) {
    this.db = db;
  }

  async findById(id) {
    const [order] = await this.db.query('SELECT * FROM orders WHERE id = $1', ['orders', id]);
    if (!order) throw new OrderNotFoundError(id);
    const lines = await this.db.query('SELECT * FROM order_lines WHERE order_id = $1', ['lines']);
    return formatOrder(order, lines.slice(0, order.lineCount));
  }
}
OrderRepository.prototype.findById = traced(OrderRepository.prototype.findById, { name: 'OrderRepository.findById' });

function formatOrder(order, lines) {
  const money = (cents) => `${(cents / 100).toFixed(2)} EUR`;
  return {
    id: order.id,
    status: order.status,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, price: money(l.priceCents) })),
    total: money(lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0)),
  };
}
formatOrder = traced(formatOrder);

module.exports = { OrderRepository, OrderNotFoundError, formatOrder };
