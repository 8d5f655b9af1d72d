#!/usr/bin/env bash
# wget --warc-file records GETs of every path in requests.json into warc/wget.warc.gz (one gzip
# member per record; warcinfo, request, response and wget's own metadata/resource records).
# wget sends one method for all the URLs of a run, so /v1/charges is fetched with GET here; it
# follows the redirect (301, then the 429) and saves error bodies (--content-on-error).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="${OUT:-$(dirname "$here")}/warc"
base=${BASE:-http://127.0.0.1:18765}
mkdir -p "$out"
rm -f "$out/wget.warc.gz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$here/requests.json" "$base" >"$work/urls" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1], encoding="utf-8"))
for req in spec["requests"]:
    print(sys.argv[2] + req["path"])
PY
auth=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["headers"]["Authorization"])' "$here/requests.json")
cookie=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["headers"]["Cookie"])' "$here/requests.json")
# wget exits 8 when a server answered an error status and 6 for the 401: that is the point here.
(cd "$work" && wget -q --tries=1 --content-on-error --no-verbose -O /dev/null \
  --header "Accept: application/json" --header "Authorization: $auth" --header "Cookie: $cookie" \
  --warc-file="$out/wget" --input-file="$work/urls") || { rc=$?; [ "$rc" -eq 8 ] || [ "$rc" -eq 6 ]; }
echo "wrote $out/wget.warc.gz"
