#!/usr/bin/env bash
# Records real captures of testdata/real/server.py with real clients, into testdata/real/.
# Needs: python3 -m pip install hypercorn; curl; for mitmproxy.har, python3 -m pip install
# mitmproxy; for chromium.har, Debian's chromium and node with playwright-core
# (npm install --prefix /tmp/errlint-har playwright-core).
# The outputs are committed; run this again only to refresh them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-18765}
base="http://127.0.0.1:$port"
cd "$here"
python3 -m hypercorn --bind "127.0.0.1:$port" server:app >/tmp/errlint-capture-server.log 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "$base/v1/ok" && break; sleep 0.1; done

mkdir -p curl
curl -s -i "$base/v1/customers/cus_missing" > curl/customer-404.http
curl -s -i "$base/v1/orders" > curl/orders-429.http
curl -s -i -L "$base/v1/old-orders" > curl/redirect-then-429.http
curl -s -i "$base/v1/charges" > curl/charges-500.http
curl -s -i "$base/v1/gateway" > curl/gateway-502.http
curl -s -i "$base/v1/gzip-error" > curl/gzip-400-raw.http
curl -s -i --compressed "$base/v1/gzip-error" > curl/gzip-400-compressed.http
curl -s -i "$base/v1/orders/ord_1/items" > curl/chunked-403.http
curl -s -i "$base/v1/empty" > curl/empty-503.http
curl -s -i --http2-prior-knowledge "$base/v1/orders" > curl/http2-orders-429.http
curl -s -i -H 'Expect: 100-continue' --data-binary @server.py "$base/v1/orders" > curl/continue-then-429.http
curl -s -i "$base/v1/no-content" > curl/no-content-204.http

if command -v mitmdump >/dev/null; then
  # mitmproxy as a reverse proxy in front of the server; its HAR dump is written on exit.
  proxy_port=$((port + 1))
  mitmdump --mode "reverse:$base" --listen-host 127.0.0.1 -p "$proxy_port" --set hardump="$here/mitmproxy.har" -q &
  proxy=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$proxy_port/v1/ok" && break; sleep 0.2; done
  for path in /v1/customers/cus_missing /v1/orders /v1/charges /v1/gateway /v1/gzip-error /v1/orders/ord_1/items /v1/empty /v1/no-content; do
    curl -s -o /dev/null -H 'Accept: application/json' "http://127.0.0.1:$proxy_port$path"
  done
  kill -INT "$proxy"
  wait "$proxy" || true
fi

if command -v chromium >/dev/null && [ -d /tmp/errlint-har/node_modules/playwright-core ]; then
  NODE_PATH=/tmp/errlint-har/node_modules BASE="$base" OUT="$here/chromium.har" node "$here/record_har.js"
fi
echo "captures written to $here"
