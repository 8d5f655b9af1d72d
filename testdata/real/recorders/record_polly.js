// Polly.JS records Node http traffic to server.py (adapter-node-http, persister-fs), as a Mocha
// or Jest suite would, into polly/<recording name>_<hash>/recording.har. recordFailedRequests is
// on: by default Polly refuses to persist a response whose status is not 2xx.
'use strict';
const fs = require('fs');
const path = require('path');
const { Polly } = require('@pollyjs/core');
const NodeHttpAdapter = require('@pollyjs/adapter-node-http');
const FSPersister = require('@pollyjs/persister-fs');
const { sendAll } = require('./http_client');

const out = path.join(process.env.OUT || path.join(__dirname, '..'), 'polly');

Polly.register(NodeHttpAdapter);
Polly.register(FSPersister);

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const polly = new Polly('errlint test API errors', {
    adapters: ['node-http'],
    persister: 'fs',
    persisterOptions: { fs: { recordingsDir: out } },
    mode: 'record',
    recordFailedRequests: true,
  });
  await sendAll();
  await polly.stop();
  for (const dir of fs.readdirSync(out)) console.log('wrote', path.join(out, dir, 'recording.har'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
