#!/usr/bin/env bash
# Crash test: the release server with several writers posting Today run logs (each with its
# idempotency key, re-sending the last unanswered one after a restart as the offline queue
# does), killed with SIGKILL at random moments and restarted; then every acknowledged write must
# be in the database exactly once. On SQLite (sqlite_synchronous as configured, `full` by
# default) and on PostgreSQL (when TEST_DATABASE_URL or a local server answers).
# Prints writes acknowledged, found and duplicated per backend; exits non-zero on a lost or
# duplicated write.
#
#   bash bench/crash.sh [kills, default 3] [writers, default 4]
# BACKSTRIDE_BIN=path uses another build of the binary (default: target/release/backstride).
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-3}
writers=${2:-4}
target=${CARGO_TARGET_DIR:-target}
bin=${BACKSTRIDE_BIN:-$target/release/backstride}
if [ -z "${BACKSTRIDE_BIN:-}" ]; then cargo build --release -p backstride --quiet; fi
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=18531
today=$(date -u +%F)

start() { # database-url (empty: SQLite in the data directory)
  BACKSTRIDE_MAIL__TRANSPORT=log RUST_LOG=warn "$bin" serve --demo --data-dir "$work/data" \
    ${1:+--database-url "$1"} --addr "127.0.0.1:$port" >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "the server did not start:"; tail -20 "$work/server.log"; exit 1
}

run_backend() { # name database-url count-command
  local name=$1 url=$2
  rm -f "$work"/sent-* "$work"/acked-*
  start "$url"
  for k in $(seq "$kills"); do
    local wpids=()
    for w in $(seq "$writers"); do
      python3 bench/crash/writer.py "$port" "w$w" "$work/sent-$w" "$work/acked-$w" "$today" 2>>"$work/writers.log" &
      wpids+=($!)
    done
    # A random moment between 1 and 4 seconds in.
    sleep "$(python3 -c 'import random; print(round(random.uniform(1, 4), 2))')"
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    for w in "${wpids[@]}"; do wait "$w" || true; done
    start "$url"
  done
  # One last round that ends in a clean stop, so the last unanswered keys are sent again.
  for w in $(seq "$writers"); do
    timeout 3 python3 bench/crash/writer.py "$port" "w$w" "$work/sent-$w" "$work/acked-$w" "$today" 2>>"$work/writers.log" || true
  done
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=
  local refused
  refused=$(grep -c answered "$work/writers.log" 2>/dev/null || true)
  echo "$name: writers' requests answered other than 200: ${refused:-0}"
  grep answered "$work/writers.log" 2>/dev/null | head -3 | sed 's/^/  /' || true
  : >"$work/writers.log"
  "$3" >"$work/found"
  cat "$work"/acked-* 2>/dev/null | sort >"$work/acked"
  python3 - "$name" "$work/acked" "$work/found" "$kills" <<'PY'
import collections, sys
name, acked_path, found_path, kills = sys.argv[1:]
acked = [l.strip() for l in open(acked_path) if l.strip()]
found = collections.Counter(l.strip() for l in open(found_path) if l.strip())
lost = [k for k in acked if k not in found]
dup = sum(1 for k, n in found.items() if n > 1)
print(f"{name:<10} SIGKILLs {kills}  acknowledged {len(acked)}  found {sum(found.values())} "
      f"({len(found)} keys)  duplicated {dup}  lost {len(lost)}")
if lost or dup:
    print("  lost:", lost[:10]); sys.exit(1)
PY
}

sqlite_count() { sqlite3 "$work/data/backstride.db" "SELECT idempotency_key FROM tracking_log WHERE idempotency_key LIKE 'crash-%'"; }
run_backend "sqlite" "" sqlite_count

pg=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1/test}
if psql "$pg" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  db="bs_crash_$$"
  psql "$pg" -qc "CREATE DATABASE $db" >/dev/null
  pg_url="${pg%/*}/$db"
  pg_count() { psql "$pg_url" -qAtc "SELECT idempotency_key FROM tracking_log WHERE idempotency_key LIKE 'crash-%'"; }
  rm -rf "$work/data"
  status=0
  run_backend "postgres" "$pg_url" pg_count || status=$?
  psql "$pg" -qc "DROP DATABASE $db" >/dev/null
  exit $status
else
  echo "postgres   skipped: no server at $pg"
fi
