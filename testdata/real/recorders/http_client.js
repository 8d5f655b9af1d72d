// Sends the request list (requests.json) to server.py with Node's http client, one request at a
// time, for the Node recorders. Node's http does not follow redirects, decompress or decode:
// whatever a recorder stores comes from the wire as the recorder saw it.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const BASE = process.env.BASE || 'http://127.0.0.1:18765';
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, 'requests.json'), 'utf8'));

function send(req, extraHeaders = {}) {
  return new Promise((resolve, reject) => {
    const body = req.json ? JSON.stringify(req.json) : null;
    const headers = { ...spec.headers, 'Accept-Encoding': 'gzip', ...extraHeaders };
    if (body) headers['Content-Type'] = 'application/json';
    const r = http.request(BASE + req.path, { method: req.method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

async function sendAll(filter = () => true) {
  const out = [];
  for (const req of spec.requests.filter(filter)) out.push(await send(req));
  return out;
}

module.exports = { BASE, spec, send, sendAll };
