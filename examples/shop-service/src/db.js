// A fake database: every query waits like a network round trip (log-normal, with a long tail from
// lock waits) and now and then the connection drops.
'use strict';
const { traced } = require('@prodlens/instrument');

class ConnectionResetError extends Error {
  constructor(sql) {
    super(`connection reset while running: ${sql}`);
    this.name = 'ConnectionResetError';
  }
}

function roundTripMs() {
  const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  const lockWait = Math.random() < 0.01 ? 100 + Math.random() * 200 : 0;
  return 20 * Math.exp(0.35 * normal) + lockWait;
}

class Database {
  constructor(tables) {
    this.tables = tables;
  }

  async query(sql, params = []) {
    await new Promise((resolve) => setTimeout(resolve, roundTripMs()));
    if (Math.random() < 0.004) throw new ConnectionResetError(sql);
    const [table, key] = params;
    const rows = this.tables[table] || [];
    return key === undefined ? rows : rows.filter((row) => row.id === key);
  }
}
Database.prototype.query = traced(Database.prototype.query, { name: 'Database.query' });

module.exports = { Database, ConnectionResetError };
