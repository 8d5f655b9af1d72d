#!/usr/bin/env bash
# How big the html report of a big run is, how long errlint takes to write it, and how long
# headless Chromium takes to open it (beside an empty page, which is the browser's own start).
#
#   bench/html_report.sh [HAR]       # default: the HAR bench/run.sh generates (200,000 entries)
#
# Needs GNU time (/usr/bin/time) and chromium.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
har=${1:-${BENCH_DIR:-/tmp/errlint-bench-run}/bench-200000.har}
[ -f "$har" ] || { echo "no HAR at $har: run bench/run.sh first, or name one" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here/.." && cargo build --release --quiet)
errlint="$here/../target/release/errlint"

/usr/bin/time -f "%e %M" -o "$work/time.txt" \
  "$errlint" check "$har" -f html -o "$work/report.html" --exit-zero >/dev/null
read -r secs kb < <(tail -n 1 "$work/time.txt")
findings=$("$errlint" check "$har" --statistics -f json --exit-zero |
  python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["errors"]+s["warnings"])')
printf 'errlint -f html   %6.2f s  peak %6.1f MiB  %s findings  page %s bytes\n' \
  "$secs" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$findings" "$(stat -c %s "$work/report.html")"

open_page() { # page: best of 3 wall seconds for chromium to load it and dump its DOM
  local best=""
  for _ in 1 2 3; do
    rm -rf "$work/profile"
    local start end
    start=$(date +%s.%N)
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$work/profile" --dump-dom "file://$1" >/dev/null 2>&1
    end=$(date +%s.%N)
    local took
    took=$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')
    if [ -z "$best" ] || awk "BEGIN{exit !($took < $best)}"; then best=$took; fi
  done
  echo "$best"
}
echo '<!DOCTYPE html><title>empty</title>' >"$work/empty.html"
printf 'chromium, empty page   %6.2f s\n' "$(open_page "$work/empty.html")"
printf 'chromium, the report   %6.2f s\n' "$(open_page "$work/report.html")"
