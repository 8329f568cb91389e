// Charging the card through the payments provider (an outbound HTTP call).
'use strict';
const http = require('node:http');
const { traced } = require('@prodlens/instrument');

class PaymentDeclinedError extends Error {
  constructor(reason) {
    super(`payment declined: ${reason}`);
    this.name = 'PaymentDeclinedError';
    this.status = 402;
  }
}

async function chargePayment(paymentsUrl, amountCents) {
  const res = await postJson(`${paymentsUrl}/charge`, { amountCents });
  if (res.status === 402) throw new PaymentDeclinedError(res.body.reason);
  if (res.status !== 200) throw new Error(`payments answered ${res.status}`);
  return res.body.chargeId;
}
chargePayment = traced(chargePayment);

/** POST JSON with node:http, which the HTTP instrumentation traces as a CLIENT span. */
function postJson(url, payload) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

module.exports = { chargePayment, PaymentDeclinedError };
