#!/usr/bin/env bash
# The open API against its own OpenAPI document (issue 17): installs schemathesis from PyPI in
# a venv, starts the release server with the demo clinic on loopback, makes personal access
# tokens through the account page as a person would (a read-and-change one for the demo runner,
# a read one for the demo clinician), then lets schemathesis generate requests for every
# operation of /api/openapi.json — a bounded number of examples each — and checks that none is
# answered with a 5xx (`not_a_server_error`). Exits non-zero on any 5xx.
#
#   bash bench/schemathesis.sh [examples per operation, default 25]
#
# Environment: BACKSTRIDE_BIN (skip the build and test that binary), SCHEMATHESIS (the pip
# requirement, default schemathesis==4.*), VENV (where the venv is kept between runs, default
# target/schemathesis-venv), PORT (18461). Needs python3 with venv, and curl. Figures:
# bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-25}
port=${PORT:-18461}
base="http://127.0.0.1:$port"
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool"; exit 1; }
done
if [ -z "${BACKSTRIDE_BIN:-}" ]; then
  cargo build --release --workspace --quiet
  target=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  BACKSTRIDE_BIN=$target/release/backstride
fi
venv=${VENV:-target/schemathesis-venv}
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "${SCHEMATHESIS:-schemathesis==4.*}"
fi
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

BACKSTRIDE_MAIL__TRANSPORT=log RUST_LOG=warn "$BACKSTRIDE_BIN" serve --demo --data-dir "$work/data" \
  --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

# Logs in like a browser and makes a token on the account page; prints the token.
token_for() { # email scope
  local jar="$work/jar-$1" page csrf
  page=$(curl -s -c "$jar" -b "$jar" "$base/login")
  csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$csrf" \
    --data-urlencode "email=$1" --data-urlencode "password=backstride-demo" "$base/login"
  page=$(curl -s -b "$jar" -c "$jar" "$base/settings/tokens")
  csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -b "$jar" -c "$jar" --data-urlencode "csrf_token=$csrf" --data-urlencode "name=schemathesis" \
    --data-urlencode "scope=$2" --data-urlencode "expires_in_days=1" "$base/settings/tokens" |
    grep -o 'value="bst_[^"]*"' | head -1 | sed 's/value="//;s/"$//'
}

status=0
for who in "riley@demo.backstride.test write" "clinician@demo.backstride.test read"; do
  set -- $who
  token=$(token_for "$1" "$2")
  [ -n "$token" ] || { echo "could not make a token for $1"; exit 1; }
  echo "== $1 ($2 token), $examples examples per operation"
  "$venv/bin/schemathesis" run "$base/api/openapi.json" --url "$base" \
    -H "Authorization: Bearer $token" --checks not_a_server_error \
    --max-examples "$examples" --request-timeout 20 --no-color || status=1
done
if grep -q "request failed" "$work/server.log"; then
  echo "the server logged failed requests:"; grep "request failed" "$work/server.log"; status=1
fi
exit $status
