#!/usr/bin/env bash
# A big WARC, plain and with one gzip member per record: wall time and peak memory of
# `errlint check` on each (best of 3, GNU time), and whether their findings are the same.
# Memory should follow the largest record, not the archive.
#
#   bench/warc.sh [N]      # N response records (default 200,000: about 220 MB plain)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_DIR:-/tmp/errlint-bench-run}
mkdir -p "$work"
warc="$work/bench-${1:-200000}.warc"
[ -f "$warc" ] && [ -f "$warc.gz" ] || python3 "$here/gen_warc.py" "$warc" "${1:-200000}"
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
measure plain "$warc"
measure gzip "$warc.gz"
findings() { "$errlint" check "$1" -q -f json | python3 -c "import json,sys; print(sorted((d['rule'], d['response'], d['line'], d['column']) for d in json.load(sys.stdin)['diagnostics']))" | sha256sum; }
if [ "$(findings "$warc")" = "$(findings "$warc.gz")" ]; then echo "same findings"; else echo "FINDINGS DIFFER"; fi
