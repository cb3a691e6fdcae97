#!/usr/bin/env bash
# The app at clinic scale (issue 18): seeds the 1,000-runner, one-year demo clinic
# (`backstride demo --runners 1000 --days 365`), starts the release server on loopback and
# measures each page people use with wrk (requests/s, p50, p99), beside nginx serving a saved
# copy of the runner's Today page in the same run as the ceiling; then POST /today/log with a
# fresh idempotency key per request (and checks that every acknowledged log is in the
# database), a fixed-rate run of the mix (bench/fixed_rate.py, open loop) and the server's
# peak RSS. SQLite first, then PostgreSQL. Bounded time: each page SECS seconds.
#
#   bash bench/load.sh [seconds per page, default 8] [connections, default 32]
#
# Environment: BACKENDS ("sqlite postgres"), RUNNERS (1000), DAYS (365), RATE (2000, the
# fixed-rate run), PG_URL (postgres://postgres@127.0.0.1/postgres: where a scratch database is
# made and dropped), BACKSTRIDE_BIN (skip the build and measure that binary), OUT (also write
# the report there), SEEDED (SQLite only: a database file `backstride demo` made with the same
# RUNNERS and DAYS, copied instead of seeding again; the copy is what the binary migrates),
# ONLY=clinician (only nginx, the caseload and the runner record), ONLY=public (only nginx and
# the public landing page, article and booking page), ONLY=runner (only nginx and the runner's
# /today, progress and run pages), ONLY=post (only nginx and
# POST /today/log with its check that nothing acknowledged was lost), POST_RUNNERS (how many
# runners POST /today/log goes to in turn, default 300), CASELOAD_CONNS (the
# caseload's connections, default the same as every page). Needs wrk, nginx (nginx-light),
# curl, python3, psql for PostgreSQL.
# Figures: bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-8}
conns=${2:-32}
backends=${BACKENDS:-sqlite postgres}
runners=${RUNNERS:-1000}
days=${DAYS:-365}
rate=${RATE:-2000}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1/postgres}
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk nginx-light curl python3)"; exit 1; }
done
if [ -z "${BACKSTRIDE_BIN:-}" ]; then
  cargo build --release --workspace --quiet
  target=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  BACKSTRIDE_BIN=$target/release/backstride
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${pg_db:-}" ]; then psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
  if [ -n "${KEEP:-}" ]; then echo "kept $work"; return; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=${PORT:-18451}
static_port=$((port + 1))
base="http://127.0.0.1:$port"
report="$work/report.md"
say() { echo "$@" | tee -a "$report"; }

# nginx: a saved copy of a page, as the ceiling of this machine for a page of that size.
start_nginx() { # file
  mkdir -p "$work/nginx/logs" "$work/nginx/html"
  cp "$1" "$work/nginx/html/today.html"
  # nginx's workers run as www-data: let them through to the copy.
  chmod 711 "$work" && chmod 755 "$work/nginx" "$work/nginx/html" && chmod 644 "$work/nginx/html/today.html"
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$static_port;
    root $work/nginx/html;
  }
}
EOF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  pids+=($!)
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$static_port/today.html" >/dev/null && break; sleep 0.1; done
}

# Logs in like a browser (the login page's token, then the form); prints the session cookie.
login() { # email
  local jar="$work/jar-$1" page token
  page=$(curl -s -c "$jar" -b "$jar" "$base/login")
  token=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=backstride-demo" "$base/login"
  awk '$6=="backstride_session"{print $6"="$7}' "$jar"
}

# wrk on one page; prints a table row and keeps the req/s for the ratio.
ceiling=""
# Waits until the server is idle (under a tenth of a core for half a second; at most 3 minutes):
# requests wrk abandoned at the end of a run still finish (every request runs to its end).
settle() {
  for _ in $(seq 360); do
    local a b
    a=$(awk '{print $14+$15}' "/proc/$server/stat")
    sleep 0.5
    b=$(awk '{print $14+$15}' "/proc/$server/stat")
    [ $((b - a)) -lt 5 ] && return
  done
}
measure() { # name url [cookie] [script] [connections]
  settle
  local args=(-t2 -c"${5:-$conns}" -d"${secs}s" --timeout 10s --latency)
  [ -n "${3:-}" ] && args+=(-H "Cookie: $3")
  [ -n "${4:-}" ] && args+=(-s "$4")
  local out rps p50 p99 bad share alone
  # One request on its own first: the page's latency without a queue.
  if [ -z "${4:-}" ]; then
    alone=$(curl -s -o /dev/null -w '%{time_total}' ${3:+-H "Cookie: $3"} "$2" | python3 -c 'import sys; print(f"{1000*float(sys.stdin.read()):.1f}ms")')
  else alone="—"; fi
  out=$(wrk "${args[@]}" "$2" 2>&1)
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  errs=$(grep -o 'Socket errors:.*' <<<"$out" || true)
  total=$(awk '/requests in/{print $1}' <<<"$out")
  if [ -z "$ceiling" ]; then ceiling=$rps; share="ceiling"; else
    share=$(python3 -c "print(f'{100*float(\"$rps\")/float(\"$ceiling\"):.1f}%')"); fi
  rss=$(awk '/VmRSS/{printf "%d MB", $2/1024}' "/proc/$server/status" 2>/dev/null || echo "—")
  say "| $1 | $alone | $rps | $p50 | $p99 | $share | ${bad:-0}${errs:+ ($errs)} | $rss |"
  last_total=$total; last_bad=${bad:-0}
}

sql() { # query → first column of the first row
  if [ "$backend" = sqlite ]; then
    python3 - "$work/data/backstride.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
row = db.execute(sys.argv[2]).fetchone()
print(row[0] if row else "")
PY
  else
    psql -qtA "$db_url" -c "$1"
  fi
}

# The CSRF token of a saved page.
csrf_of() { # page
  grep -o 'name="csrf_token" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//;s/"$//'
}
# The fields of the first session form of a saved Today page (without the key): its item key,
# and per-side sets when it asks for them; nothing when the page has none.
session_form() { # page
  python3 - "$1" <<'PY'
import html, re, sys, urllib.parse
page = open(sys.argv[1]).read()
for f in re.findall(r'<form[^>]*action="/today/log".*?</form>', page, re.S):
    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', f))
    if fields.get("kind") != "session":
        continue
    out = {"kind": "session", "item_key": html.unescape(fields["item_key"]), "date": fields.get("date", ""),
           "pain_during": "1", "effort": "5"}
    if 'name="sets_left"' in f:
        out.update(sets_left="2", sets_right="2")
    else:
        out["sets"] = "2"
    print(urllib.parse.urlencode(out))
    break
PY
}
# POST /today/log with bench/load/post_log.lua; then every acknowledged log must be stored.
measure_logs() { # name key-pattern
  local before acked stored verdict
  before=$(sql "SELECT COUNT(*) FROM tracking_log WHERE idempotency_key LIKE '$2'")
  measure "$1" "$base/today/log" "" bench/load/post_log.lua
  acked=$((last_total - last_bad))
  sleep 1
  stored=$(sql "SELECT COUNT(*) FROM tracking_log WHERE idempotency_key LIKE '$2'")
  stored=$((stored - before))
  if [ "$stored" -ge "$acked" ]; then verdict="none lost"; else verdict="LOST $((acked - stored))"; fi
  say ""
  say "$1: $acked acknowledged (2xx), $stored stored: $verdict."
  say ""
}

# The runner's own pages, for one with a year of history and for a new one.
runner_pages() {
  measure "runner /today (a year of history)" "$base/today" "$long_cookie"
  measure "runner /today (new)" "$base/today" "$new_cookie"
  measure "runner /progress (a year)" "$base/progress" "$long_cookie"
  measure "runner /progress (new)" "$base/progress" "$new_cookie"
  measure "runner /runs/$run_id (a run)" "$base/runs/$run_id" "$long_cookie"
}

# A partial run (ONLY=…) ends here: peak RSS, then the server, nginx and any scratch database go.
stop_backend() {
  say "Peak RSS of the server: $(awk '/VmHWM/{print $2" "$3}' "/proc/$server/status")."
  kill -9 "$server" 2>/dev/null || true
  kill "$(cat "$work/nginx/nginx.pid" 2>/dev/null || echo 0)" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ "$backend" = postgres ]; then
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null
    pg_db=""
  fi
}

say "# bench/load.sh — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$BACKSTRIDE_BIN" --version 2>/dev/null || echo backstride)"
say ""
say "wrk -t2 -c$conns -d${secs}s per page; $runners runners, $days days; fixed-rate mix at $rate req/s."
for backend in $backends; do
  rm -rf "$work/data" && mkdir -p "$work/data"
  pg_db=""
  if [ "$backend" = postgres ]; then
    pg_db="bench_load_$$"
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null 2>&1
    db_url="${pg_url%/*}/$pg_db"
  else
    db_url="$work/data/backstride.db"
  fi
  export BACKSTRIDE_MAIL__TRANSPORT=log RUST_LOG=warn
  say ""
  say "## $backend"
  say ""
  if [ "$backend" = sqlite ] && [ -n "${SEEDED:-}" ]; then
    cp "$SEEDED" "$db_url"
    say "Seeding: not timed — a copy of $SEEDED (backstride demo --runners $runners --days $days)."
  else
    t0=$(date +%s.%N)
    "$BACKSTRIDE_BIN" demo --runners "$runners" --days "$days" --database-url "$db_url" \
      --data-dir "$work/data" >"$work/seed.log" 2>&1 || { cat "$work/seed.log"; exit 1; }
    seed_secs=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')")
    say "Seeding: ${seed_secs} s — $(grep -o 'Seeded.*' "$work/seed.log" | head -1)"
  fi
  if [ "$backend" = sqlite ]; then
    say "Database: $(du -sh "$work/data" | cut -f1) on disk."
  else
    say "Database: $(psql -qtA "$db_url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")."
  fi
  "$BACKSTRIDE_BIN" serve --database-url "$db_url" --data-dir "$work/data" --addr "127.0.0.1:$port" \
    >"$work/server.log" 2>&1 &
  server=$!
  pids+=($server)
  for _ in $(seq 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

  long=$(printf 'runner%04d@demo.backstride.test' 1)
  new=$(printf 'runner%04d@demo.backstride.test' "$runners")
  long_cookie=$(login "$long")
  new_cookie=$(login "$new")
  staff_cookie=$(login clinician@demo.backstride.test)
  curl -sf -H "Cookie: $long_cookie" "$base/today" -o "$work/today.html" || { echo "runner login failed"; tail "$work/server.log"; exit 1; }
  curl -sf -H "Cookie: $staff_cookie" "$base/clinic/caseload" >/dev/null || { echo "clinician login failed"; exit 1; }
  long_id=$(sql "SELECT id FROM app_user WHERE email = '$long'")
  run_id=$(sql "SELECT id FROM run WHERE runner_id = $long_id ORDER BY started_at DESC LIMIT 1")
  clinic_id=$(sql "SELECT clinic_id FROM app_user WHERE email = '$long'")
  shown=$(sql "SELECT COUNT(*) FROM app_user WHERE clinic_id = $clinic_id AND role = 'runner'")
  logs=$(sql "SELECT COUNT(*) FROM tracking_log WHERE runner_id = $long_id")
  say "Runner 1: $logs logs; caseload: $shown runners. Today page: $(wc -c <"$work/today.html") bytes."
  say ""
  say "| page | one request alone | req/s | p50 | p99 | share of the static ceiling | non-2xx | server RSS after |"
  say "| --- | --- | --- | --- | --- | --- | --- | --- |"
  ceiling=""
  start_nginx "$work/today.html"
  measure "nginx, static copy of /today" "http://127.0.0.1:$static_port/today.html"
  if [ -z "${ONLY:-}" ]; then
  measure "public landing /clinics/$clinic_id" "$base/clinics/$clinic_id"
  measure "article" "$base/clinics/$clinic_id/articles/why-your-hips-matter-for-your-back"
  measure "booking page" "$base/clinics/$clinic_id/book"
  fi
  if [ "${ONLY:-}" = public ]; then
    stop_backend
    continue
  fi
  if [ "${ONLY:-}" = runner ]; then
    runner_pages
    stop_backend
    continue
  fi
  if [ "${ONLY:-}" != clinician ]; then
  runner_pages
  fi
  # Before the line cache a view of the whole caseload took seconds: CASELOAD_CONNS=2 for such
  # a build, or the abandoned requests would keep the server busy for minutes after each run.
  cc=${CASELOAD_CONNS:-$conns}
  if [ "${ONLY:-}" != post ]; then
  say "| (caseload page: $(curl -s -H "Cookie: $staff_cookie" "$base/clinic/caseload" | wc -c) bytes) | | | | | | | |"
  measure "caseload ($shown runners; wrk -c$cc)" "$base/clinic/caseload" "$staff_cookie" "" "$cc"
  measure "caseload sorted by pain (-c$cc)" "$base/clinic/caseload?sort=pain&show=all" "$staff_cookie" "" "$cc"
  measure "caseload filtered, alerts (-c$cc)" "$base/clinic/caseload?sort=alerts&show=alerts" "$staff_cookie" "" "$cc"
  measure "runner record /runners/$long_id" "$base/runners/$long_id" "$staff_cookie"
  say "Audit events after the caseload runs: $(sql "SELECT COUNT(*) FROM audit_event") (one per view; before issue 18 item 1, one per runner shown)."
  fi
  if [ "${ONLY:-}" = clinician ]; then
    stop_backend
    continue
  fi

  # POST /today/log: the first session of today's plan, as each runner's Today page sends it,
  # a fresh key each time, spread over POST_RUNNERS runners in turn (a clinic's runners
  # logging at once). One runner alone would soon fill their day: a day holds at most 60
  # entries (core's MAX_LOGS_A_DAY), and the entries past it are refused (non-2xx).
  tag="$backend$$"
  : >"$work/log_runners.tsv"
  for k in $(seq 2 $((${POST_RUNNERS:-300} + 1))); do
    c=$(login "$(printf 'runner%04d@demo.backstride.test' "$k")")
    curl -sf -H "Cookie: $c" "$base/today" -o "$work/today-$k.html" || continue
    f=$(session_form "$work/today-$k.html")
    if [ -n "$f" ]; then printf '%s\t%s\t%s\n' "$c" "$(csrf_of "$work/today-$k.html")" "$f" >>"$work/log_runners.tsv"; fi
  done
  export LOG_TAG="$tag" LOG_RUNNERS="$work/log_runners.tsv"
  measure_logs "POST /today/log, $(wc -l <"$work/log_runners.tsv") runners in turn (fresh key each)" "bench-$tag-%"
  unset LOG_RUNNERS
  if [ "${ONLY:-}" = post ]; then
    stop_backend
    continue
  fi

  # The mix at a fixed rate (open loop; latency from each request's due time).
  mix="$work/mix.tsv"
  {
    printf '30\t/today\t%s\n' "$long_cookie"
    printf '10\t/today\t%s\n' "$new_cookie"
    printf '10\t/progress\t%s\n' "$long_cookie"
    printf '5\t/runs/%s\t%s\n' "$run_id" "$long_cookie"
    printf '20\t/clinics/%s\t\n' "$clinic_id"
    printf '10\t/clinics/%s/articles/why-your-hips-matter-for-your-back\t\n' "$clinic_id"
    printf '5\t/clinics/%s/book\t\n' "$clinic_id"
  } >"$mix"
  # The client's own floor: the same run against nginx's static copy (what the client adds).
  printf '1\t/today.html\t\n' >"$work/nginx-mix.tsv"
  settle
  floor=$(python3 bench/fixed_rate.py --rate "$rate" --seconds "$secs" --connections 64 --port "$static_port" "$work/nginx-mix.tsv")
  say "Fixed rate, the client against nginx's static copy (its own floor): $floor"
  settle
  fixed=$(python3 bench/fixed_rate.py --rate "$rate" --seconds "$secs" --connections 64 --port "$port" "$mix")
  say "Fixed rate (mix: 40% /today, 10% progress, 5% a run, 35% public pages; the caseload and the record, seconds each, left out — they alone would saturate it): $fixed"
  say "Peak RSS of the server: $(awk '/VmHWM/{print $2" "$3}' "/proc/$server/status")."
  errors=$(grep -c 'ERROR' "$work/server.log" || true)
  say "Server log: $errors error lines${errors:+$( [ "$errors" != 0 ] && printf '; first: %s' "$(grep -m1 'ERROR' "$work/server.log" | cut -c1-300)")}."
  cp "$work/server.log" "$work/server-$backend.log"
  # SIGKILL: a graceful stop would wait for every abandoned request.
  kill -9 "$server" 2>/dev/null || true
  kill "$(cat "$work/nginx/nginx.pid" 2>/dev/null || echo 0)" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  sleep 0.5
  if [ "$backend" = postgres ]; then
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null
    pg_db=""
  fi
done
if [ -n "${OUT:-}" ]; then cp "$report" "$OUT"; fi
