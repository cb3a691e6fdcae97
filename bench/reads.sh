#!/usr/bin/env bash
# Read throughput of the release server on SQLite (demo data): the anonymous login page, the
# clinic's public landing page, and Riley's Today page, each driven by wrk on loopback for a
# bounded time. Prints requests/s, p50 and p99 per page, the session rows the run left behind
# (anonymous page views should make none), and the server's peak RSS.
#
#   bash bench/reads.sh [seconds per page, default 8] [connections, default 32]
#
# BACKSTRIDE_BIN=path/to/backstride skips the build and measures that binary (to compare a
# build from before a change with one from after). Figures: bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-8}
conns=${2:-32}
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk curl)"; exit 1; }
done
if [ -z "${BACKSTRIDE_BIN:-}" ]; then
  cargo build --release -p backstride --quiet
  target=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  BACKSTRIDE_BIN=$target/release/backstride
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
port=${PORT:-18441}
BACKSTRIDE_MAIL__TRANSPORT=log RUST_LOG=warn "$BACKSTRIDE_BIN" serve --demo --data-dir "$work/data" \
  --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

# Riley logs in like a browser: the login page's cookie and token, then the form.
jar="$work/cookies"
page=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login")
token=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=riley@demo.backstride.test" --data-urlencode "password=backstride-demo" \
  "http://127.0.0.1:$port/login"
cookie=$(awk '$6=="backstride_session"{print $6"="$7}' "$jar")
curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$port/today" >/dev/null || { echo "login for the benchmark failed"; exit 1; }

sessions() {
  python3 - "$work/data/backstride.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT COUNT(*) FROM tower_sessions").fetchone()[0])
PY
}

run() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$2"); fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  printf '%-32s %10s req/s   p50 %-9s p99 %-9s %s\n' "$1" "$rps" "$p50" "$p99" "${errors:+non-2xx: $errors}"
}
echo "wrk: 2 threads, $conns connections, ${secs}s per page, on $(nproc) cores; $("$BACKSTRIDE_BIN" --version 2>/dev/null || echo backstride)"
before=$(sessions)
run "GET /login (anonymous)" "http://127.0.0.1:$port/login"
run "GET /clinics/1 (anonymous)" "http://127.0.0.1:$port/clinics/1"
after_public=$(sessions)
run "GET /today (Riley)" "http://127.0.0.1:$port/today" "Cookie: $cookie"
echo "session rows: $before before, $after_public after the anonymous runs, $(sessions) at the end"
echo "backstride peak RSS: $(awk '/VmHWM/{print $2" "$3}' "/proc/$pid/status")"
