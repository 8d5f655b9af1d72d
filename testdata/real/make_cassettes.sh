#!/usr/bin/env bash
# Records testdata/real/server.py with the recording tools API teams keep in their test suites
# (vcrpy, Ruby VCR, nock, WireMock, newman/Postman, Pact, wget and warcio WARC, Betamax, Polly.JS,
# go-vcr) and writes their cassettes, fixtures, mocks and archives under testdata/real/<tool>/.
# CASSETTES.md says what each file holds, response by response.
#
# Every tool is installed under /tmp (a Python venv, node_modules, a Go build cache), never into
# the repository; Debian packages (ruby-vcr, ruby-webmock, ruby-multi-json, ruby-oj, golang-go,
# golang-github-dnaeon-go-vcr-dev, wget) with apt-get when missing. Versions are pinned in
# recorders/requirements.txt and recorders/package.json (+ package-lock.json); the Debian ones are
# Debian 12's. The outputs are committed; run this again only to refresh them (dates, WireMock's
# file names and ids change from run to run).
#
#   testdata/real/make_cassettes.sh            # all tools
#   testdata/real/make_cassettes.sh vcrpy nock # only these
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rec="$here/recorders"
port=${PORT:-18765}
export PYTHONDONTWRITEBYTECODE=1
export BASE="http://127.0.0.1:$port"
tools=${TOOLS:-/tmp/errlint-cassettes}
mkdir -p "$tools"
only=" $* "
wanted() { [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]]; }
note() { echo "make_cassettes: $*" >&2; }

# --- tools -------------------------------------------------------------------------------
apt_need=()
command -v ruby >/dev/null || apt_need+=(ruby)
for pkg in ruby-vcr ruby-webmock ruby-multi-json ruby-oj golang-go golang-github-dnaeon-go-vcr-dev wget; do
  dpkg -s "$pkg" >/dev/null 2>&1 || apt_need+=("$pkg")
done
if [ ${#apt_need[@]} -gt 0 ]; then
  note "installing ${apt_need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_need[@]}" >/dev/null
fi

venv="$tools/venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q -r "$rec/requirements.txt"
py="$venv/bin/python"

npm_dir="$tools/npm"
mkdir -p "$npm_dir"
cp "$rec/package.json" "$rec/package-lock.json" "$npm_dir/"
# npm ci again only when the lock changed since the last install here.
if ! cmp -s "$npm_dir/package-lock.json" "$npm_dir/node_modules/.errlint-installed-lock" 2>/dev/null; then
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$npm_dir/package-lock.json" "$npm_dir/node_modules/.errlint-installed-lock"
fi
export NODE_PATH="$npm_dir/node_modules"

# --- the server --------------------------------------------------------------------------
cd "$here"
# Something else answering on the port would be recorded instead of server.py.
if curl -s -o /dev/null "$BASE/"; then note "127.0.0.1:$port is already in use (PORT=... picks another)"; exit 1; fi
"$py" -m hypercorn --bind "127.0.0.1:$port" server:app >"$tools/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 100); do curl -s -o /dev/null "$BASE/v1/ok" && break; sleep 0.1; done
curl -s -o /dev/null "$BASE/v1/ok" || { note "server.py did not start: see $tools/server.log"; exit 1; }

# --- recorders ---------------------------------------------------------------------------
if wanted vcrpy; then
  rm -rf vcrpy
  "$py" "$rec/record_vcrpy.py"
fi

if wanted ruby-vcr; then
  rm -rf ruby-vcr
  ruby "$rec/record_vcr.rb"
fi

if wanted nock; then
  rm -rf nock
  node "$rec/record_nock.js"
fi

if wanted wiremock; then
  rm -rf wiremock wiremock-api
  node "$rec/record_wiremock.js"
fi

if wanted postman; then
  rm -rf postman
  node "$rec/record_postman.js"
fi

if wanted pact; then
  rm -rf pact
  node "$rec/record_pact.js"
fi

if wanted warc; then
  rm -rf warc
  "$rec/record_wget.sh"
  "$py" "$rec/record_warcio.py"
fi

if wanted betamax; then
  rm -rf betamax
  "$py" "$rec/record_betamax.py"
fi

if wanted polly; then
  rm -rf polly
  node "$rec/record_polly.js"
fi

if wanted go-vcr; then
  # GOPATH mode against Debian's /usr/share/gocode: go-vcr comes from Debian, not a module proxy.
  rm -rf go-vcr
  gowork="$tools/gopath"
  rm -rf "$gowork/src/errlintrec" && mkdir -p "$gowork/src/errlintrec"
  cp "$rec/go/record_govcr.go" "$gowork/src/errlintrec/"
  (cd "$gowork/src/errlintrec" && GO111MODULE=off GOPATH="$gowork:/usr/share/gocode" GOCACHE="$tools/gocache" \
    go build -o "$tools/record_govcr" .)
  RECORDERS="$rec" OUT="${OUT:-$here}" "$tools/record_govcr"
fi

# CASSETTES.md is written from the files just recorded (tables) and recorders/cassettes_notes.json
# (prose): read its diff, and fix the notes where a tool now behaves differently.
"$py" "$rec/cassettes_md.py"
echo "cassettes written under $here"
