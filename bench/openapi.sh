#!/usr/bin/env bash
# What an OpenAPI description costs: the 200,000-entry HAR of ../shared/bench/gen_corpus.py
# checked with and without a 2,000-operation description (bench/gen_openapi.py), side by side
# with hyperfine, and the description's load time alone (an empty capture list).
#
#   bench/openapi.sh [OPERATIONS]     # default 2000
#
# Needs python3, hyperfine and ../shared/bench/gen_corpus.py beside the clone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
operations=${1:-2000}
work=${BENCH_DIR:-/tmp/errlint-bench-openapi}
mkdir -p "$work"
har="$work/har/api.har"
if [ ! -f "$har" ]; then
  python3 "$here/../../shared/bench/gen_corpus.py" --only har --out "$work"
fi
description="$work/openapi-$operations.json"
python3 "$here/gen_openapi.py" "$description" "$operations"
echo '[]' > "$work/empty.json"
(cd "$here/.." && cargo build --release --quiet)
errlint="$here/../target/release/errlint"
# The machine is shared: compare the two means of one hyperfine run, never numbers across
# runs.
hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
  -n without "$errlint check $har -f json -q" \
  -n with-openapi "$errlint check --openapi $description $har -f json -q"
hyperfine --warmup 3 --runs 20 -i -N \
  -n load-description "$errlint check --openapi $description $work/empty.json -q" \
  -n no-description "$errlint check $work/empty.json -q"
