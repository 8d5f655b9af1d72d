#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 120) on a stable toolchain, seeded with
# the project's test captures. Needs: cargo install cargo-fuzz. Crashes land in
# fuzz/artifacts/TARGET/; turn each into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-120}
seed() { # target, files...
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$target/seed-$(basename "$f")"; done
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
# -s none: no sanitizer flag, so no nightly toolchain is needed.
cargo fuzz build -s none
for target in ${TARGETS:-load_har load_raw_http load_envelope load_bare_body load_cassette load_nock load_wiremock load_postman load_pact load_warc load_saz decode render check_any secrets}; do
  echo "== $target ($seconds s)"
  cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|panicked|Done" || true
done
