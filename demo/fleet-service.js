#!/usr/bin/env node
// A demo fleet service: a real HTTP server that reports its name and version.
//   node fleet-service.js --name orders --port 7313 --version 2.0.0 [--unhealthy-versions 3.0.0]
// GET /version -> {"service","version"};  GET /healthz -> 200 {"status":"ok"} or 500 for an unhealthy version.
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

const server = http.createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/version') return send(200, { service: name, version });
  if (req.url === '/healthz') {
    return healthy
      ? send(200, { service: name, version, status: 'ok' })
      : send(500, { service: name, version, status: 'error', error: `${name} ${version} cannot reach its database` });
  }
  return send(404, { error: 'not found' });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`${name} ${version} listening on 127.0.0.1:${server.address().port}${healthy ? '' : ' (unhealthy)'}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
