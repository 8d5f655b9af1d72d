#!/usr/bin/env bash
# errlint at production scale, against the single-purpose floor program of the shared bench
# (`probe`, built outside the project). Reports medians, ratios and peak memory:
#   1. the 200,000-entry HAR: `errlint check -f json` against `probe check`;
#   2. the 20,000-file envelope directory against `probe check-dir` (when generated);
#   3. NDJSON envelopes on stdin (`errlint check - -f jsonl`), MB/s and peak memory over a
#      stream of STREAM_MB (default 1024) megabytes, against the HAR path's MB/s.
#
#   PROBE=/tmp/probe/target/release/probe CORPUS=/tmp/errlint-bench bench/scale.sh
#
# CORPUS is the output of the shared bench's gen_corpus.py (har/api.har, dir/captures).
# Needs hyperfine, GNU time and python3. The machine should be otherwise idle: compare the
# ratios, which pair the two programs run by run, more than the absolute times.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
probe=${PROBE:?set PROBE to the built probe binary}
corpus=${CORPUS:-/tmp/errlint-bench}
runs=${RUNS:-5}
stream_mb=${STREAM_MB:-1024}
work=${BENCH_DIR:-/tmp/errlint-bench-scale}
mkdir -p "$work"
(cd "$here/.." && cargo build --release --quiet)
errlint="$here/../target/release/errlint"

median() { # hyperfine json, command index: median seconds
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
peak() { # command...: peak RSS in MiB
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time-v.txt" || true
  awk '/Maximum resident set size/ {printf "%.1f", $NF/1024}' "$work/time-v.txt"
}

har="$corpus/har/api.har"
if [ -f "$har" ]; then
  hyperfine -N -w 1 -r "$runs" -i --export-json "$work/har.json" \
    "$probe check $har" "$errlint check -f json $har" >/dev/null
  p=$(median "$work/har.json" 0); e=$(median "$work/har.json" 1)
  # The probe's defects: schema (a code not in snake_case is errlint's code-format), a type
  # that disagrees with the status, a body that is not JSON.
  defective=$("$errlint" check --exit-zero -f jsonl "$har" | python3 -c 'import json,sys; print(len({d["response"] for d in map(json.loads, sys.stdin) if d["rule"] in ("schema", "code-format", "status-type-mismatch", "non-json-error-body")}))')
  mb=$(stat -c %s "$har")
  echo "HAR      probe check $p s | errlint $e s | ratio $(awk -v e="$e" -v p="$p" 'BEGIN{printf "%.2f", e/p}') | errlint $(awk -v b="$mb" -v s="$e" 'BEGIN{printf "%.0f", b/1e6/s}') MB/s, peak $(peak "$errlint" check -f json "$har") MiB (probe $(peak "$probe" check "$har") MiB) | defective responses: $defective"
fi

dir="$corpus/dir/captures"
if [ -d "$dir" ]; then
  hyperfine -N -w 1 -r "$runs" -i --export-json "$work/dir.json" \
    "$probe check-dir $dir" "$errlint check -f json $dir" >/dev/null
  p=$(median "$work/dir.json" 0); e=$(median "$work/dir.json" 1)
  echo "DIR      probe check-dir $p s | errlint $e s | ratio $(awk -v e="$e" -v p="$p" 'BEGIN{printf "%.2f", e/p}')"
fi

# NDJSON envelopes, as a gateway logs them: one in ten an error, some of those wrong.
stream="$work/stream-$stream_mb.ndjson"
if [ ! -f "$stream" ]; then
  python3 - "$stream" "$stream_mb" <<'PY'
import json, sys
path, mb = sys.argv[1], int(sys.argv[2])
bodies = [
    (200, {"id": "ord_1", "amount": 1200, "currency": "eur", "items": [{"sku": "a", "qty": 2}] * 8}),
    (404, {"type": "invalid_request", "code": "not_found", "message": "No such order.", "param": "id"}),
    (429, {"type": "api", "code": "slow_down", "message": "Slow down.", "param": None}),
    (400, {"type": "invalid_request", "code": "Bad-Code", "message": "Bad."}),
]
with open(path, "w") as out:
    written, i = 0, 0
    while written < mb * 1_000_000:
        status, body = bodies[0] if i % 10 else bodies[1 + (i // 10) % 3]
        line = json.dumps({"id": f"req-{i}", "status": status, "method": "POST",
                           "url": f"https://api.example.com/v1/orders/{i}",
                           "headers": {"Content-Type": "application/json", "X-Request-Id": f"r{i}"},
                           "body": body}, separators=(",", ":")) + "\n"
        out.write(line)
        written += len(line)
        i += 1
PY
fi
size=$(stat -c %s "$stream")
hyperfine -w 1 -r "$runs" -i --export-json "$work/stream.json" \
  "$errlint check - -f jsonl < $stream" >/dev/null
s=$(median "$work/stream.json" 0)
/usr/bin/time -v "$errlint" check - -f jsonl <"$stream" >/dev/null 2>"$work/time-v.txt" || true
rss=$(awk '/Maximum resident set size/ {printf "%.1f", $NF/1024}' "$work/time-v.txt")
echo "NDJSON   $((size / 1000000)) MB on stdin: $s s, $(awk -v b="$size" -v s="$s" 'BEGIN{printf "%.0f", b/1e6/s}') MB/s, peak $rss MiB"
