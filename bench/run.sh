#!/usr/bin/env bash
# errlint's benchmark: generates a HAR (bench/gen_har.py), runs errlint on it, and reports
# wall time, entries/s, MB/s and peak memory, side by side with a baseline command.
#
#   bench/run.sh [ENTRIES]                       # default 200000 entries (~330 MB)
#   BASELINE='jq -c ".log.entries|length"' bench/run.sh
#   BASELINE='/path/to/older/errlint check' bench/run.sh    # the HAR path is appended
#
# With no BASELINE, the baseline is Python's json module loading the whole HAR, the
# straightforward thing a user would script. Needs python3 and GNU time (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
entries=${1:-200000}
work=${BENCH_DIR:-/tmp/errlint-bench-run}
mkdir -p "$work"
har="$work/bench-$entries.har"
if [ ! -f "$har" ]; then
  python3 "$here/gen_har.py" "$har" --entries "$entries" | tee "$work/truth-$entries.txt"
fi
cat "$work/truth-$entries.txt"
bytes=$(stat -c %s "$har")

(cd "$here/.." && cargo build --release --quiet)
errlint="$here/../target/release/errlint"
default_baseline="python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[\"log\"][\"entries\"]))'"
baseline=${BASELINE:-$default_baseline}

measure() { # name, command...: best of 3 wall seconds and the peak RSS of that run
  local name=$1; shift
  local best="" rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
    # GNU time prints "Command exited with non-zero status" first when errlint found errors.
    read -r secs kb < <(tail -n 1 "$work/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
  done
  awk -v n="$name" -v s="$best" -v kb="$rss" -v e="$entries" -v b="$bytes" \
    'BEGIN{printf "%-10s %7.3f s  %10.0f entries/s  %8.1f MB/s  peak %7.1f MiB\n", n, s, e/s, b/1e6/s, kb/1024}'
}

echo "HAR: $har ($bytes bytes, $entries entries)"
measure errlint "$errlint" check "$har" -q -f json
measure baseline sh -c "$baseline \"\$1\"" baseline "$har"
"$errlint" check "$har" -q -f json | python3 -c "import json,sys; r=json.load(sys.stdin); print('errlint found', len({d['response'] for d in r['diagnostics'] if d['severity']=='error'}), 'defective responses')"
