#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 120) on a stable toolchain, seeded with
# the project's test captures. Needs: cargo install cargo-fuzz. Crashes land in
# fuzz/artifacts/TARGET/; turn each into a regression test before fixing it.
#
# Every run is held to 512 MiB of resident memory and 10 s per input: an input that costs
# more is kept as a crash (oom-*, timeout-*), not passed. -malloc_limit_mb is given too, but
# without a sanitizer libFuzzer has no malloc hooks, so only the RSS limit (polled each
# second) and the timeout bite. TARGETS="a b" picks targets; CORPUS=DIR adds the small
# OpenAPI descriptions of a capture corpus (see /work/shared/corpus/MANIFEST.md) as seeds.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-120}
seed() { # target, files...
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$target/seed-$(basename "$f")"; done
}
# Like seed, but each file is prefixed with the byte (two hex digits) by which the target
# picks its file name, so a seed reaches the loader it was made for.
seed_as() { # target, byte, files...
  local target=$1 byte=$2; shift 2
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    { printf "\\x$byte"; cat "$f"; } >"corpus/$target/seed-$byte-$(basename "$f")"
  done
}
# The same, compressed: gzip, or zlib (mitmproxy's .zhar) with "zlib".
seed_packed() { # target, byte, gzip|zlib, files...
  local target=$1 byte=$2 how=$3; shift 3
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    { printf "\\x$byte"
      if [ "$how" = zlib ]; then python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))' <"$f"
      else gzip -9nc "$f"; fi
    } >"corpus/$target/seed-$byte-$(basename "$f").$how"
  done
}
seed load_har ../examples/*.har ../testdata/inputs/*.har ../testdata/real/*.har
seed load_raw_http ../testdata/real/curl/*.http ../testdata/inputs/*.http ../examples/*.http
seed load_envelope ../testdata/inputs/*.json ../testdata/inputs/*.ndjson
seed load_bare_body ../examples/fixtures/*.json ../testdata/inputs/get_customer.404.json
seed decode ../testdata/real/curl/gzip-400-raw.http
seed load_cassette ../testdata/inputs/*.yaml ../testdata/inputs/*.yml ../testdata/inputs/ruby-vcr-*.json
seed load_nock ../testdata/mocks/nock-fixture.json
seed load_wiremock ../testdata/mocks/wiremock/mappings/*.json
seed load_postman ../testdata/mocks/postman-collection.json
seed load_pact ../testdata/mocks/pact-*.json
seed load_warc ../testdata/mocks/example.warc
seed load_saz ../testdata/mocks/example.saz
seed render ../testdata/inputs/envelope.json
seed check_any ../testdata/inputs/* ../testdata/real/curl/*.http ../testdata/fuzz/*
seed secrets ../testdata/inputs/envelope.json
openapi=(../testdata/openapi/orders.yaml ../testdata/openapi/orders.json ../testdata/real/openapi.yaml)
if [ -n "${CORPUS:-}" ]; then
  openapi+=("$CORPUS"/openapi/OAI__learn.openapis.org__tictactoe.yaml "$CORPUS"/openapi/Redocly__museum-openapi-example__openapi.yaml)
fi
seed_as openapi_load 00 "${openapi[@]}"  # fuzz.yaml
seed_as openapi_load 01 ../testdata/openapi/orders.json  # fuzz.json
seed_as openapi_capture 00 "${openapi[@]}"  # openapi.yaml
seed_as openapi_capture 01 ../testdata/openapi/orders.json
seed_packed openapi_capture 02 gzip ../testdata/openapi/orders.yaml
seed_as load_vcrpy 00 ../testdata/real/vcrpy/*.yaml ../testdata/inputs/vcrpy-folded.yaml
seed_as load_vcrpy 01 ../testdata/real/vcrpy/*.json
seed_as load_go_vcr 00 ../testdata/real/go-vcr/*.yaml
if [ -n "${CORPUS:-}" ]; then
  seed_as load_vcrpy 00 "$CORPUS"/vcr/kevin1024__vcrpy__*.yaml
  seed_as load_vcrpy 01 "$CORPUS"/vcr/kevin1024__vcrpy__*.json
  seed_as load_go_vcr 00 "$CORPUS"/vcr/dnaeon__go-vcr__*.yaml
fi
seed_as load_ndjson 00 ../testdata/inputs/*.ndjson
seed_as load_ndjson 02 ../testdata/inputs/*.ndjson  # "-": recognised by its first lines
seed_packed load_ndjson 03 gzip ../testdata/inputs/*.ndjson
# Over a thousand lines: more than one batch.
mkdir -p corpus/load_ndjson
{ printf '\x00'; for _ in $(seq 1200); do echo '{"status": 404, "body": {"error": "x"}}'; done; } >corpus/load_ndjson/seed-00-batches.ndjson
seed_packed load_compressed 00 gzip ../examples/*.har ../testdata/inputs/*.har
seed_packed load_compressed 01 zlib ../examples/*.har
seed_packed load_compressed 02 gzip ../testdata/inputs/envelope.json ../testdata/inputs/envelopes-list.json ../testdata/inputs/ruby-vcr-oj-raw-gzip.json ../testdata/mocks/nock-fixture.json
seed_packed load_compressed 03 gzip ../testdata/inputs/ruby-vcr-block.yml ../testdata/inputs/vcrpy-folded.yaml
seed_packed load_compressed 04 gzip ../testdata/real/curl/*.http
seed_as load_compressed 05 ../testdata/mocks/example.warc.gz
seed_packed load_compressed 06 gzip ../testdata/inputs/*.ndjson
seed_packed load_compressed 07 gzip ../testdata/inputs/get_customer.404.json
# -s none: no sanitizer flag, so no nightly toolchain is needed.
cargo fuzz build -s none
all="load_har load_raw_http load_envelope load_bare_body load_cassette load_nock load_wiremock load_postman load_pact load_warc load_saz decode render check_any secrets"
all+=" openapi_load openapi_capture load_vcrpy load_go_vcr load_ndjson load_compressed"
for target in ${TARGETS:-$all}; do
  echo "== $target ($seconds s)"
  cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=10 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|panicked|Done|Test unit written" || true
done
