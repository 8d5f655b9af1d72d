// nock records Node http traffic to server.py two ways a test suite does:
//   nock/recorder.json  - nock.recorder.rec({output_objects: true, dont_print: true}), then
//                         nock.recorder.play() written as JSON
//   nock/back/errors.json - a nock.back fixture recorded in 'record' mode
// Request headers are recorded too (enable_reqheaders_recording), so the fixtures hold the
// fake Authorization and Cookie secrets.
'use strict';
const fs = require('fs');
const path = require('path');
const nock = require('nock');
const { sendAll } = require('./http_client');

const out = path.join(process.env.OUT || path.join(__dirname, '..'), 'nock');

async function main() {
  fs.mkdirSync(path.join(out, 'back'), { recursive: true });

  nock.recorder.rec({ output_objects: true, dont_print: true, enable_reqheaders_recording: true });
  await sendAll();
  const calls = nock.recorder.play();
  nock.recorder.clear();
  nock.restore();
  fs.writeFileSync(path.join(out, 'recorder.json'), JSON.stringify(calls, null, 2) + '\n');
  console.log('wrote', path.join(out, 'recorder.json'));

  nock.activate();
  nock.back.fixtures = path.join(out, 'back');
  nock.back.setMode('record');
  const { nockDone } = await nock.back('errors.json', {
    recorder: { enable_reqheaders_recording: true },
  });
  await sendAll();
  nockDone();
  console.log('wrote', path.join(out, 'back', 'errors.json'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
