#!/usr/bin/env bash
# What an OpenAPI description costs: the 200,000-entry HAR of ../shared/bench/gen_corpus.py
# checked with and without a 2,000-operation description (bench/gen_openapi.py), side by side
# with hyperfine, and the description's load time alone (an empty capture list).
#
#   bench/openapi.sh [OPERATIONS]     # default 2000
#   ROUNDS=5 RUNS=5 bench/openapi.sh  # hyperfine rounds, and runs of each command per round
#
# Needs python3, hyperfine and ../shared/bench/gen_corpus.py beside the clone.
#
# On a shared machine the speed drifts from one minute to the next, so the two commands are
# compared within each hyperfine round (they run back to back), and the ratio reported is
# the median of the rounds' ratios of means.
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
rounds=${ROUNDS:-5}
for round in $(seq "$rounds"); do
  hyperfine --warmup 1 --runs "${RUNS:-5}" -i --style basic \
    --export-json "$work/round-$round.json" \
    -n without "$errlint check $har -f json -q" \
    -n with-openapi "$errlint check --openapi $description $har -f json -q"
done
python3 - "$work" "$rounds" <<'EOF'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
ratios, means = [], {"without": [], "with-openapi": []}
for r in range(1, rounds + 1):
    results = {x["command"]: x for x in json.load(open(f"{work}/round-{r}.json"))["results"]}
    for name in means:
        means[name].append(results[name]["mean"])
    ratios.append(results["with-openapi"]["mean"] / results["without"]["mean"])
print("rounds' ratios (with / without):", " ".join(f"{x:.3f}" for x in ratios))
print(f"median ratio {statistics.median(ratios):.3f}; median means "
      f"without {statistics.median(means['without']) * 1000:.0f} ms, "
      f"with-openapi {statistics.median(means['with-openapi']) * 1000:.0f} ms")
EOF
hyperfine --warmup 3 --runs 30 -i -N \
  -n load-description "$errlint check --openapi $description $work/empty.json -q" \
  -n no-description "$errlint check $work/empty.json -q"
