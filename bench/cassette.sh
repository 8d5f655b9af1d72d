#!/usr/bin/env bash
# errlint on a big vcrpy cassette, beside Python merely loading it with libyaml.
#
#   bench/cassette.sh [INTERACTIONS]      # default 20000 interactions (~15 MB of YAML)
#
# Generates the cassette with bench/gen_vcrpy.py (python3 + PyYAML), then reports, best of 3,
# the wall time and peak memory (GNU time) of `errlint check` and of
# `yaml.load(open(f), Loader=yaml.CSafeLoader)`, the speed ratio, and errlint's peak memory
# as a multiple of the file's size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
interactions=${1:-20000}
work=${BENCH_DIR:-/tmp/errlint-bench-run}
mkdir -p "$work"
cassette="$work/vcrpy-$interactions.yaml"
[ -f "$cassette" ] || python3 "$here/gen_vcrpy.py" "$cassette" --interactions "$interactions"
bytes=$(stat -c %s "$cassette")

(cd "$here/.." && cargo build --release --quiet)
errlint="$here/../target/release/errlint"

best() { # command...: prints "seconds peak-KiB" of the fastest of 3 runs
  local best="" rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
    read -r secs kb < <(tail -n 1 "$work/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
  done
  echo "$best $rss"
}

read -r e_secs e_kb < <(best "$errlint" check "$cassette" -q -f json)
read -r p_secs p_kb < <(best python3 -c 'import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)' "$cassette")
echo "cassette: $cassette ($bytes bytes, $interactions interactions)"
awk -v s="$e_secs" -v kb="$e_kb" -v b="$bytes" 'BEGIN{printf "errlint check          %7.3f s  peak %7.1f MiB (%.2f x the file)\n", s, kb/1024, kb*1024/b}'
awk -v s="$p_secs" -v kb="$p_kb" 'BEGIN{printf "python CSafeLoader load %7.3f s  peak %7.1f MiB\n", s, kb/1024}'
awk -v e="$e_secs" -v p="$p_secs" 'BEGIN{printf "errlint is %.1f x faster than the load alone\n", p/e}'
"$errlint" check "$cassette" -q -f json | python3 -c "import json,sys; r=json.load(sys.stdin); s=r['summary']; print('errlint read', s['responses'], 'responses and found', s['errors'], 'errors')"
