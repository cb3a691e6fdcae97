#!/usr/bin/env bash
# FIT decoding benchmark, all in one run with release builds:
#  1. throughput over the real files in ../shared/data/fit (relative to the repo root), on one
#     core (taskset -c 0): our decode + analyse, the fitparser crate, Python fitparse and fitdecode
#     (installed from PyPI into bench/fit/.venv), in MB/s and files/s, and ours / each;
#  2. peak memory (max RSS, /usr/bin/time -v) of `backstride analyze` on the largest corpus file;
#  3. `backstride analyze` on a generated 1-hour run, process start to finish, median of 20;
#  4. `backstride import` of 1,000 generated runs into a fresh SQLite database, on 2 cores.
# Each figure is printed against its target. Other work on the machine skews the figures: run it
# on an otherwise idle machine (the load average is printed). Prints "skipped: corpus not found" and exits 0
# when the corpus is absent.
#
#   bash bench/fit/run.sh            (env: FIT_CORPUS=DIR, MIN_SECONDS=3, PY_PASSES=1, RUNS=20)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
corpus=${FIT_CORPUS:-$root/../shared/data/fit}
if [ ! -d "$corpus" ]; then
  echo "skipped: corpus not found ($corpus)"
  exit 0
fi
corpus=$(cd "$corpus" && pwd)
min_seconds=${MIN_SECONDS:-3}
py_passes=${PY_PASSES:-1}
runs=${RUNS:-20}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
one_core=()
command -v taskset >/dev/null && one_core=(taskset -c 0)
two_cores=()
command -v taskset >/dev/null && two_cores=(taskset -c 0,1)

step() { printf '\n=== %s\n' "$1"; }

step "build (release)"
cargo build --release --quiet -p backstride --bin backstride
cargo build --release --quiet -p backstride-running --example throughput --example synthetic
target=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin=$target/release/backstride
examples=$target/release/examples
out=$root/bench/out/fit
rm -rf "$out"
mkdir -p "$out"
results=$out/results.txt
: >"$results"

step "Python decoders (bench/fit/.venv)"
venv=$root/bench/fit/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check fitparse==1.2.0 fitdecode==0.11.0
"$venv/bin/python" -c 'import importlib.metadata as m; print("fitparse", m.version("fitparse"), "/ fitdecode", m.version("fitdecode"), "/ Python", __import__("sys").version.split()[0])'

step "1. throughput on one core over $corpus"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# fitparser reports damaged fields on stderr; kept out of the way.
"${one_core[@]}" "$examples/throughput" "$corpus" "$min_seconds" 2>"$out/throughput.stderr" | tee -a "$results"
"${one_core[@]}" "$venv/bin/python" "$root/bench/fit/py_throughput.py" "$corpus" "$py_passes" | tee -a "$results"

step "2. peak memory of backstride analyze on the largest corpus file"
largest=$(find "$corpus" -type f -iname '*.fit' -printf '%s\t%p\n' | sort -n | tail -1 | cut -f2)
/usr/bin/time -v "$bin" analyze "$largest" >/dev/null 2>"$out/time-v.txt"
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out/time-v.txt")
echo "$(basename "$largest") ($(stat -c %s "$largest") bytes): max RSS $rss_kb kB"
echo "RESULT peak_rss kb=$rss_kb" >>"$results"

step "3. backstride analyze of a generated 1-hour run, median of $runs"
"$examples/synthetic" one "$out/run-1h.fit" 3600
python3 - "$bin" "$out/run-1h.fit" "$runs" <<'EOF' | tee -a "$results"
import statistics, subprocess, sys, time
binary, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
subprocess.run([binary, "analyze", path], check=True, stdout=subprocess.DEVNULL)  # warm the cache
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run([binary, "analyze", path], check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(f"min {min(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms")
print(f"RESULT analyze_1h ms={statistics.median(times) * 1e3:.2f}")
EOF

step "4. backstride import of 1,000 generated runs into a fresh SQLite database, on 2 cores"
"$examples/synthetic" many "$out/runs" 1000
data=$out/import-data
email=bench-runner@example.com
"$bin" migrate --data-dir "$data" >/dev/null
echo "a long enough benchmark passphrase" |
  "$bin" user add --role runner --email "$email" --name "Bench Runner" --password-stdin --data-dir "$data" >/dev/null
start=$(date +%s.%N)
"${two_cores[@]}" "$bin" import "$out/runs" --runner "$email" --data-dir "$data" | tail -n 3 | tee "$out/import.txt"
end=$(date +%s.%N)
grep -q "Summary: 1000 imported (1000 runs)" "$out/import.txt" || { echo "import did not store 1000 runs"; exit 1; }
echo "RESULT import_1000 s=$(python3 -c "print(f'{$end - $start:.3f}')")" | tee -a "$results"

step "results (targets from issue 6)"
python3 - "$results" <<'EOF'
import re, sys
r = {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        name, *pairs = line.split()[1:]
        r[name] = {k: float(v) for k, v in (p.split("=") for p in pairs)}
ours = r["backstride"]
rows = []
def row(what, value, target, ok):
    rows.append((what, value, target, "yes" if ok else "NO"))
row("ours, decode + analyse (1 core)", f"{ours['mb_per_s']:.1f} MB/s, {ours['files_per_s']:.0f} files/s", ">= 100 MB/s", ours["mb_per_s"] >= 100)
for other, target in (("fitparser", 20), ("fitparse", 500), ("fitdecode", 250)):
    o = r[other]
    ratio = ours["mb_per_s"] / o["mb_per_s"]
    row(f"{other} (1 core)", f"{o['mb_per_s']:.3f} MB/s, {o['files_per_s']:.1f} files/s; ours {ratio:.0f}x", f"ours >= {target}x", ratio >= target)
rss_mb = r["peak_rss"]["kb"] / 1024
row("peak memory, analyze largest file", f"{rss_mb:.1f} MiB", "< 64 MB", rss_mb < 64)
ms = r["analyze_1h"]["ms"]
row("analyze 1-hour run, process (median)", f"{ms:.1f} ms", "< 50 ms", ms < 50)
s = r["import_1000"]["s"]
row("import 1,000 runs, fresh SQLite, 2 cores", f"{s:.2f} s", "< 10 s", s < 10)
d = r.get("backstride_decode_only")
if d:
    print(f"  for context, our decoding alone (no analysis): {d['mb_per_s']:.1f} MB/s")
for name in ("backstride", "fitparser", "fitparse", "fitdecode"):
    print(f"  {name}: rejected {int(r[name]['rejected'])} files of the corpus")
w = [max(len(x[i]) for x in rows) for i in range(4)]
for x in [("figure", "measured", "target", "met")] + rows:
    print("  ".join(c.ljust(w[i]) for i, c in enumerate(x)))
EOF
