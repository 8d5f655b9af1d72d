// Pact consumer tests: the errlint-app consumer describes the error responses server.py really
// sends (read live first) as interactions, exercises them against Pact's mock server with Node's
// http client, and Pact writes the pact files:
//   pact/errlint-app-test-api-v2.json  PactV2 (pact specification 2)
//   pact/errlint-app-test-api-v3.json  PactV3 (specification 3; one body uses matchers)
//   pact/errlint-app-test-api-v4.json  PactV4 (specification 4; text and binary bodies too)
// A pact describes a body, not its transfer: the gzip body is described decoded, without
// Content-Encoding, and a redirect is not followed.
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { PactV2, PactV3, PactV4, MatchersV3 } = require('@pact-foundation/pact');
const client = require('./http_client');

const out = path.join(process.env.OUT || path.join(__dirname, '..'), 'pact');
const consumer = 'errlint-app';

// What the server answers, in the request list's order.
async function observe() {
  const seen = [];
  for (const req of client.spec.requests) {
    const res = await client.send(req);
    const body = res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(res.body) : res.body;
    const type = res.headers['content-type'] || null;
    seen.push({ req, status: res.status, type, body });
  }
  return seen;
}

function isJson(type) {
  return type !== null && type.startsWith('application/json');
}

// Pact's mock server refuses a header value that is not visible ASCII ("failed to convert
// header to a str") and answers 500, so the pacts carry the ASCII part of the fake secret.
function requestHeaders(req) {
  const headers = {};
  for (const [name, value] of Object.entries(client.spec.headers)) headers[name] = value.replace(/[^\x20-\x7e]/g, '');
  return { ...headers, ...(req.json ? { 'Content-Type': 'application/json' } : {}) };
}

function describe(seen) {
  return `a ${seen.req.method} ${seen.req.path} answered ${seen.status}`;
}

// Sends one request to the mock server, as the consumer under test would; no keep-alive, since
// each PactV2 test starts a new mock server on the same port.
async function exercise(baseUrl, seen) {
  const res = await new Promise((resolve, reject) => {
    const body = seen.req.json ? JSON.stringify(seen.req.json) : null;
    const r = http.request(baseUrl + seen.req.path, { method: seen.req.method, headers: requestHeaders(seen.req), agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
  if (res !== seen.status) throw new Error(`${seen.req.path}: mock answered ${res}, expected ${seen.status}`);
}

// V2 and V3 interactions take a body as a JSON value or a string; no binary body.
function plainInteraction(seen, useMatchers) {
  const willRespondWith = { status: seen.status };
  if (seen.type) willRespondWith.headers = { 'Content-Type': seen.type };
  if (seen.body.length > 0) {
    const text = seen.body.toString('utf8');
    willRespondWith.body = isJson(seen.type) ? JSON.parse(text) : text;
    if (useMatchers && seen.req.path === '/v1/customers/cus_missing') {
      const b = willRespondWith.body;
      willRespondWith.body = { ...b, message: MatchersV3.string(b.message), code: MatchersV3.regex('^[a-z_]+$', b.code) };
    }
  }
  const withRequest = { method: seen.req.method, path: seen.req.path, headers: requestHeaders(seen.req) };
  if (seen.req.json) withRequest.body = seen.req.json;
  return { uponReceiving: describe(seen), withRequest, willRespondWith };
}

async function v2(observed) {
  const provider = new PactV2({ consumer, provider: 'test-api-v2', dir: out, spec: 2, logLevel: 'warn', log: path.join(os.tmpdir(), 'errlint-pact-v2.log') });
  await provider.setup();
  // PactV2 runs one interaction per test: add it, exercise it, verify (which merges it into the file).
  for (const seen of observed.filter((s) => s.req.path !== '/v1/binary')) {
    await provider.addInteraction({ state: 'the test API', ...plainInteraction(seen, false) });
    await exercise(provider.mockService.baseUrl, seen);
    await provider.verify();
  }
  await provider.finalize();
}

async function v3(observed) {
  const provider = new PactV3({ consumer, provider: 'test-api-v3', dir: out, logLevel: 'warn' });
  const kept = observed.filter((s) => s.req.path !== '/v1/binary');
  for (const seen of kept) provider.addInteraction({ states: [{ description: 'the test API' }], ...plainInteraction(seen, true) });
  await provider.executeTest(async (mock) => {
    for (const seen of kept) await exercise(mock.url, seen);
  });
}

async function v4(observed) {
  const pact = new PactV4({ consumer, provider: 'test-api-v4', dir: out, logLevel: 'warn' });
  for (const seen of observed) {
    await pact.addInteraction()
      .given('the test API')
      .uponReceiving(describe(seen))
      .withRequest(seen.req.method, seen.req.path, (b) => {
        b.headers(requestHeaders(seen.req));
        if (seen.req.json) b.jsonBody(seen.req.json);
      })
      .willRespondWith(seen.status, (b) => {
        if (seen.body.length === 0) {
          if (seen.type) b.headers({ 'Content-Type': seen.type });
        } else if (isJson(seen.type)) {
          b.headers({ 'Content-Type': seen.type });
          b.jsonBody(JSON.parse(seen.body.toString('utf8')));
        } else {
          b.body(seen.type || 'application/octet-stream', seen.body);
        }
      })
      .executeTest(async (mock) => exercise(mock.url, seen));
  }
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const observed = await observe();
  await v2(observed);
  await v3(observed);
  await v4(observed);
  for (const f of fs.readdirSync(out)) console.log('wrote', path.join(out, f));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
