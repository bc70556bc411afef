#!/usr/bin/env node
// A demo fleet service: a real HTTP server that reports its name and version.
//   node fleet-service.js --name orders --port 7313 --version 2.0.0 [--unhealthy-versions 3.0.0] [--payments-url http://127.0.0.1:7312]
// GET /version -> {"service","version"};  GET /healthz -> 200 {"status":"ok"} or 500 for an unhealthy version.
// The checkout flow (the demo's synthetic check `checkout-flow` walks it):
//   payments: POST /payments {"orderId"} -> 201 {"paymentId","orderId","state":"paid","service","version"}
//   orders:   POST /orders {"item"} -> 201 {"id","item","state":"created","version"}
//             GET /orders/:id -> 200 the order; an order not yet paid is paid now through --payments-url:
//             {"state":"paid","paidBy":{"service":"payments","version"}}, or still "created" with the
//             payments service's reason in "paymentError" when it cannot be reached.
'use strict';
const http = require('node:http');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const name = arg('name', 'service');
const port = Number(arg('port', '0'));
const version = arg('version', '0.0.0');
const unhealthy = (arg('unhealthy-versions', '') || '').split(',').filter(Boolean);
const healthy = !unhealthy.includes(version);
const paymentsUrl = arg('payments-url', '');
const orders = new Map(); // in memory: a restart (a deploy) starts with none

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}

/** Asks the payments service to pay the order; the order records who paid it, or why not. */
async function pay(order) {
  if (!paymentsUrl) return { ...order, paymentError: 'no --payments-url given' };
  try {
    const res = await fetch(`${paymentsUrl}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: order.id }),
      signal: AbortSignal.timeout(2000),
    });
    const body = await res.json();
    if (res.status !== 201) return { ...order, paymentError: `payments answered ${res.status}: ${JSON.stringify(body)}` };
    const { paymentError: _earlier, ...unpaid } = order;
    return { ...unpaid, state: 'paid', paymentId: body.paymentId, paidBy: { service: body.service, version: body.version } };
  } catch (err) {
    return { ...order, paymentError: `payments unreachable: ${err.cause ? err.cause.message : err.message}` };
  }
}

async function route(req, send) {
  if (req.url === '/version') return send(200, { service: name, version });
  if (req.url === '/healthz') {
    return healthy
      ? send(200, { service: name, version, status: 'ok' })
      : send(500, { service: name, version, status: 'error', error: `${name} ${version} cannot reach its database` });
  }
  if (name === 'payments' && req.method === 'POST' && req.url === '/payments') {
    const { orderId } = await readJson(req);
    if (!orderId) return send(400, { error: 'orderId is required' });
    return send(201, { paymentId: `pay-${orderId}`, orderId, state: 'paid', service: name, version });
  }
  if (name === 'orders' && req.method === 'POST' && req.url === '/orders') {
    const { item } = await readJson(req);
    if (!item) return send(400, { error: 'item is required' });
    const order = { id: `ord-${orders.size + 1}`, item, state: 'created' };
    orders.set(order.id, order);
    return send(201, { ...order, version });
  }
  const orderPath = name === 'orders' && req.method === 'GET' ? /^\/orders\/([^/]+)$/.exec(req.url) : null;
  if (orderPath) {
    let order = orders.get(orderPath[1]);
    if (!order) return send(404, { error: `no order ${orderPath[1]}` });
    if (order.state !== 'paid') orders.set(order.id, (order = await pay(order)));
    return send(200, { ...order, version });
  }
  return send(404, { error: 'not found' });
}

const server = http.createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  route(req, send).catch((err) => send(500, { error: err.message }));
});
server.listen(port, '127.0.0.1', () => {
  console.log(`${name} ${version} listening on 127.0.0.1:${server.address().port}${healthy ? '' : ' (unhealthy)'}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
