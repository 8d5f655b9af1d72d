// WireMock (the standalone jar the npm `wiremock` package ships) records server.py through its
// recording API: start WireMock with --root-dir wiremock/, POST /__admin/recordings/start with
// targetBaseUrl, send the requests through WireMock with Node's http client, POST
// /__admin/recordings/stop. WireMock writes wiremock/mappings/*.json and wiremock/__files/*.
// Bodies over 100 bytes of text go to __files (bodyFileName); shorter ones stay inline.
// Then a second recording (persist: false) whose stop response is saved as
// wiremock-api/recordings-stop.json.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const target = process.env.BASE || 'http://127.0.0.1:18765';
const port = Number(process.env.WIREMOCK_PORT || 18775);
const root = path.join(process.env.OUT || path.join(__dirname, '..'), 'wiremock');
const apiOut = path.join(process.env.OUT || path.join(__dirname, '..'), 'wiremock-api');
const jar = path.join(path.dirname(require.resolve('wiremock/package.json')), 'build',
  `wiremock-standalone-${require('wiremock/package.json').version}.jar`);

function admin(method, route, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : '';
    const req = http.request({ host: '127.0.0.1', port, path: route, method,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function waitUp() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await admin('GET', '/__admin/health')).status === 200) return;
    } catch (e) { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('WireMock did not start');
}

async function main() {
  fs.mkdirSync(path.join(root, 'mappings'), { recursive: true });
  fs.mkdirSync(path.join(root, '__files'), { recursive: true });
  const java = spawn('java', ['-jar', jar, '--port', String(port), '--bind-address', '127.0.0.1',
    '--root-dir', root, '--disable-banner'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitUp();
    const start = await admin('POST', '/__admin/recordings/start', {
      targetBaseUrl: target,
      captureHeaders: { Authorization: {}, Cookie: {} },
      extractBodyCriteria: { textSizeThreshold: '100', binarySizeThreshold: '10240' },
      persist: true,
      repeatsAsScenarios: false,
    });
    if (start.status !== 200) throw new Error(`recordings/start: ${start.status} ${start.body}`);
    process.env.BASE = `http://127.0.0.1:${port}`;
    const { sendAll } = require('./http_client');
    await sendAll();
    const stop = await admin('POST', '/__admin/recordings/stop');
    if (stop.status !== 200) throw new Error(`recordings/stop: ${stop.status} ${stop.body}`);
    console.log('wrote', root, JSON.parse(stop.body).mappings.length, 'mappings');

    // A second recording with persist: false, as a suite that keeps the stop response itself:
    // one {"mappings": [...]} file, every body inline.
    const again = await admin('POST', '/__admin/recordings/start', {
      targetBaseUrl: target,
      captureHeaders: { Authorization: {}, Cookie: {} },
      persist: false,
      repeatsAsScenarios: false,
    });
    if (again.status !== 200) throw new Error(`recordings/start: ${again.status} ${again.body}`);
    await sendAll();
    const snapshot = await admin('POST', '/__admin/recordings/stop');
    if (snapshot.status !== 200) throw new Error(`recordings/stop: ${snapshot.status} ${snapshot.body}`);
    fs.mkdirSync(apiOut, { recursive: true });
    fs.writeFileSync(path.join(apiOut, 'recordings-stop.json'), snapshot.body);
    console.log('wrote', path.join(apiOut, 'recordings-stop.json'));
  } finally {
    java.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
