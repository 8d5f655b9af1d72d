#!/usr/bin/env bash
# Records captures of real frameworks that speak each error convention errlint has a profile
# for, into testdata/real/profiles/<profile>/ (raw curl -i output, a HAR, envelopes):
#   problem-details: Connexion 3 (its default error handler answers RFC 9457 problems)
#   jsonapi:         Django REST framework JSON:API (its exception handler and renderer)
#   google:          google.rpc.Status built with googleapis-common-protos and google-api-core
# Needs: python3 -m pip install hypercorn connexion djangorestframework-jsonapi \
#          googleapis-common-protos google-api-core   (PYTHON names another interpreter)
# The outputs are committed; run this again only to refresh them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
cd "$here"
port=${PORT:-18790}

serve() { # serve MODULE:APP PORT
  "$python" -m hypercorn --bind "127.0.0.1:$2" "$1" >"/tmp/errlint-profile-$2.log" 2>&1 &
  servers+=("$!")
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$2/" && return; sleep 0.1; done
  echo "server $1 did not start" >&2
  exit 1
}
servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true' EXIT

record() { # record PROFILE PORT METHOD:PATH...
  local profile=$1 port=$2
  shift 2
  mkdir -p "$profile"
  local base="http://127.0.0.1:$port"
  for request in "$@"; do
    local method=${request%%:*} path=${request#*:}
    local name
    name=$(echo "$method$path" | tr '/:?=' '----' | tr -s '-' | sed 's/-$//' | tr 'A-Z' 'a-z')
    if [ "$method" = POST ]; then
      curl -s -i -X POST -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
        --data '{}' "$base$path" > "$profile/$name.http"
    else
      curl -s -i -X "$method" -H "Accept: $ACCEPT" "$base$path" > "$profile/$name.http"
    fi
  done
  ACCEPT=$ACCEPT "$python" record.py "$base" "$profile/$profile.har" "$profile/envelopes.json" "$@"
}

ACCEPT=application/json
serve problem_details_app:app "$port"
record problem-details "$port" GET:/v1/books/1 GET:/v1/books/7 GET:/v1/books?limit=many \
  GET:/v1/nowhere DELETE:/v1/books/1 POST:/v1/orders GET:/v1/crash

# DRF JSON:API answers only clients that accept its media type; application/json gets a 406.
ACCEPT=application/vnd.api+json
serve jsonapi_app:app "$((port + 1))"
record jsonapi "$((port + 1))" GET:/v1/articles/1 GET:/v1/articles/7 \
  GET:/v1/articles/throttled GET:/v1/articles/mixed

ACCEPT=application/json
serve google_app:app "$((port + 2))"
record google "$((port + 2))" GET:/v1/projects/p1/books/1 GET:/v1/projects/p1/books/missing \
  GET:/v1/projects/p1/books:search GET:/v1/projects/p1/quota GET:/v1/projects/p1/books/locked
echo "captures written to $here"
