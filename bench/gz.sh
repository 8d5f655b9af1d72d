#!/usr/bin/env bash
# A big HAR, plain and gzipped: the same findings, the memory and time each takes.
#
#   bench/gz.sh HAR        # e.g. the 200,000-entry HAR of the shared gen_corpus.py
#
# Gzips HAR beside itself when HAR.gz is missing, then reports, best of 3, wall time and peak
# memory (GNU time) of `errlint check` on each, and whether their findings are the same.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
har=${1:?usage: bench/gz.sh HAR}
work=${BENCH_DIR:-/tmp/errlint-bench-run}
mkdir -p "$work"
[ -f "$har.gz" ] || gzip -k -6 "$har"
(cd "$here/.." && cargo build --release --quiet)
errlint="$here/../target/release/errlint"

measure() { # name, file
  local best="" rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$errlint" check "$2" -q -f json >/dev/null 2>&1 || true
    read -r secs kb < <(tail -n 1 "$work/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
  done
  awk -v n="$1" -v s="$best" -v kb="$rss" -v b="$(stat -c %s "$2")" \
    'BEGIN{printf "%-6s %7.3f s  peak %6.1f MiB  (%d bytes on disk)\n", n, s, kb/1024, b}'
}
measure plain "$har"
measure gzip "$har.gz"
findings() { "$errlint" check "$1" -q -f json | python3 -c "import json,sys; print(sorted((d['rule'], d['response'], d['line'], d['column']) for d in json.load(sys.stdin)['diagnostics']))" | sha256sum; }
if [ "$(findings "$har")" = "$(findings "$har.gz")" ]; then echo "same findings"; else echo "FINDINGS DIFFER"; fi
