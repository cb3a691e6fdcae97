#!/usr/bin/env bash
# Load test of the release binary on SQLite: the login page (anonymous: every request makes a
# session row) and an authenticated page, driven by wrk on loopback for a bounded time, side by
# side with nginx serving a saved copy of the same login page (the peer: a static-file ceiling).
# Prints requests/s, p50, p99, the ratios to nginx, and Backstride's peak RSS.
#
#   bash bench/login.sh [seconds per run, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "installing $tool"; apt-get update -qq && apt-get install -y -qq wrk nginx-light curl >/dev/null; break; }
done
cargo build --release -p backstride --quiet
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
port=18431; peer=18432
BACKSTRIDE_MAIL__TRANSPORT=log RUST_LOG=warn ./target/release/backstride serve --demo --data-dir "$work/data" --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

# Log in as the demo runner to get an authenticated session cookie.
jar="$work/cookies"
page=$(curl -s -c "$jar" "http://127.0.0.1:$port/login")
token=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=riley@demo.backstride.test" --data-urlencode "password=backstride-demo" "http://127.0.0.1:$port/login"
cookie=$(awk '$6=="backstride_session"{print $6"="$7}' "$jar")
curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$port/home" | grep -q "Hello" || { echo "login for the benchmark failed"; exit 1; }

mkdir -p "$work/www"; curl -s "http://127.0.0.1:$port/login" >"$work/www/login.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log; daemon on;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$peer; root $work/www; location / { default_type text/html; } } }
CONF
nginx -c "$work/nginx.conf"

run() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$2"); fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  printf '%-34s %10s req/s   p50 %-9s p99 %-9s\n' "$1" "$rps" "$p50" "$p99" >&2
  echo "$rps"
}
echo "wrk: 2 threads, $conns connections, ${secs}s per run, on $(nproc) cores" >&2
nginx_rps=$(run "nginx: static login page (peer)" "http://127.0.0.1:$peer/login.html")
login_rps=$(run "backstride: GET /login (anonymous)" "http://127.0.0.1:$port/login")
home_rps=$(run "backstride: GET /home (logged in)" "http://127.0.0.1:$port/home" "Cookie: $cookie")
rss=$(awk '/VmHWM/{print $2" "$3}' "/proc/$pid/status")
python3 - "$nginx_rps" "$login_rps" "$home_rps" <<'PY'
import sys
n, l, h = map(float, sys.argv[1:])
print(f"ratio /login : nginx static = {l/n:.2f}")
print(f"ratio /home  : nginx static = {h/n:.2f}")
PY
echo "backstride peak RSS: $rss"
