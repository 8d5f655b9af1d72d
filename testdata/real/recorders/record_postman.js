// Postman: builds a v2.1 collection of the request list with the postman-collection SDK (in
// folders, one nested), runs it against server.py with newman, and saves each response newman
// got as that request's saved example (item[].response[]), the way a team keeps examples.
// Writes postman/errors.postman_collection.json.
'use strict';
const fs = require('fs');
const path = require('path');
const newman = require('newman');
const sdk = require('postman-collection');
const { BASE, spec } = require('./http_client');

const out = path.join(process.env.OUT || path.join(__dirname, '..'), 'postman');

// Folder of each path; '' is the collection's root.
const FOLDERS = {
  '/v1/customers/cus_missing': 'Customers',
  '/v1/unicode-404': 'Customers',
  '/v1/session': 'Customers',
  '/v1/orders': 'Orders',
  '/v1/old-orders': 'Orders',
  '/v1/orders/ord_1/items': 'Orders/Items',
  '/v1/charges': 'Payments',
};

function folder(collection, route) {
  let parent = collection;
  for (const name of route.split('/')) {
    let group = parent.items.find((i) => sdk.ItemGroup.isItemGroup(i) && i.name === name);
    if (!group) {
      group = new sdk.ItemGroup({ name });
      parent.items.add(group);
    }
    parent = group;
  }
  return parent;
}

function build() {
  const collection = new sdk.Collection({
    info: { name: 'errlint test API errors', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  });
  for (const req of spec.requests) {
    const item = new sdk.Item({
      name: `${req.method} ${req.path}`,
      request: {
        url: BASE + req.path,
        method: req.method,
        header: Object.entries({ ...spec.headers, ...(req.json ? { 'Content-Type': 'application/json' } : {}) })
          .map(([key, value]) => ({ key, value })),
        body: req.json ? { mode: 'raw', raw: JSON.stringify(req.json) } : undefined,
      },
      // Keep the 301 itself as the example rather than where it leads.
      protocolProfileBehavior: req.path === '/v1/old-orders' ? { followRedirects: false } : undefined,
    });
    const route = FOLDERS[req.path];
    (route ? folder(collection, route) : collection).items.add(item);
  }
  return collection;
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const collection = build();
  const summary = await new Promise((resolve, reject) => {
    newman.run({ collection: collection.toJSON(), reporters: [] }, (err, s) => (err ? reject(err) : resolve(s)));
  });
  for (const execution of summary.run.executions) {
    const item = collection.oneDeep(execution.item.id);
    const res = execution.response;
    item.responses.add(new sdk.Response({
      name: `${res.code} ${execution.item.name}`,
      originalRequest: item.request.toJSON(),
      code: res.code,
      status: res.status,
      header: res.headers.toJSON(),
      // What Postman's "Save as example" keeps: the body as text.
      body: res.text(),
    }));
  }
  const file = path.join(out, 'errors.postman_collection.json');
  fs.writeFileSync(file, JSON.stringify(collection.toJSON(), null, 2) + '\n');
  console.log('wrote', file, summary.run.executions.length, 'examples; newman', require('newman/package.json').version);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
