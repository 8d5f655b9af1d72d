#!/usr/bin/env bash
# Remakes html-report.png, the html report shown in the README and docs/output-formats.md:
# a small demo HAR (several endpoints with ids, a few kinds of defect) plus examples/, rendered
# with `-f html` and photographed by headless Chromium. Needs python3 and chromium.
#
#   docs/images/html-report.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/api.har" <<'PY'
import json, random, sys
rng = random.Random(7)
ok = {401: "authentication", 403: "authentication", 429: "rate_limit"}
def required(status):
    return ok.get(status, "api" if status >= 500 else "invalid_request")
endpoints = [
    ("GET", "/v1/customers/cus_{}", [404, 404, 401]),
    ("POST", "/v1/orders", [400, 429, 409]),
    ("GET", "/v1/orders/{}", [404, 403]),
    ("POST", "/v1/charges/ch_{}/capture", [402, 500, 503]),
    ("GET", "/v1/search", [400, 429]),
]
entries = []
for i in range(400):
    method, path, statuses = rng.choice(endpoints)
    ident = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz0123456789") for _ in range(9)) + str(rng.randint(0, 9))
    if "{}" in path and "orders" in path:
        ident = "%08x-%04x-4%03x-a%03x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 12, 12, 48))
    status = rng.choice(statuses)
    body = {"type": required(status), "code": "resource_missing", "message": "Not found.", "param": None}
    roll = rng.random()
    text = None
    if roll < 0.25:
        body["type"] = "api" if body["type"] != "api" else "invalid_request"
    elif roll < 0.45:
        del body["param"]
    elif roll < 0.55:
        body["code"] = "ResourceMissing"
    elif roll < 0.62:
        body["message"] = "NullPointerException at com.acme.orders.OrderService.find(OrderService.java:88)"
    elif roll < 0.68 and status >= 500:
        text = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    elif roll < 0.9:
        continue
    entries.append({
        "request": {"method": method, "url": "https://api.example.com" + path.format(ident), "headers": []},
        "response": {"status": status,
                     "headers": [{"name": "Content-Type", "value": "text/html" if text else "application/json"}],
                     "content": {"mimeType": "text/html" if text else "application/json",
                                 "text": text or json.dumps(body, indent=2)}},
    })
json.dump({"log": {"version": "1.2", "creator": {"name": "demo", "version": "1"}, "entries": entries}},
          open(sys.argv[1], "w"), indent=2)
PY

(cd "$root" && cargo build --release --quiet)
(cd "$work" && "$root/target/release/errlint" check api.har -f html -o report.html --exit-zero >/dev/null)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1200,1500 \
  --screenshot="$root/docs/images/html-report.png" "file://$work/report.html" 2>/dev/null
echo "wrote docs/images/html-report.png"
