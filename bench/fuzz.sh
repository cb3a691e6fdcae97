#!/usr/bin/env bash
# Fuzz the FIT decoding path for SECONDS (default 120): with cargo-fuzz on nightly when both are
# installed (target `decode` in fuzz/), else with the stable mutation fuzzer
# (crates/running/examples/fuzz_stable.rs). Seeds: generated runs plus ../shared/data/fit when
# present. Findings are saved to bench/fuzz-crashes/ (stable) or fuzz/artifacts/ (cargo-fuzz);
# exits 1 when anything was found.
#
#   bash bench/fuzz.sh [SECONDS]          (FUZZ_ENGINE=stable forces the fallback)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-120}
corpus=$root/../shared/data/fit
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
if [ "${FUZZ_ENGINE:-}" != stable ] && cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "engine: cargo-fuzz (nightly), $seconds s"
  mkdir -p fuzz/corpus/decode
  if [ -d "$corpus" ]; then
    find "$corpus" -type f -iname '*.fit' -size -512k -exec cp -n {} fuzz/corpus/decode/ \;
  fi
  cd fuzz
  # libFuzzer's -rss_limit_mb and -malloc_limit_mb do the memory check (ASan needs a huge
  # address space, so no ulimit -v here).
  exec cargo +nightly fuzz run decode -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536
fi

echo "engine: stable mutation fuzzer, $seconds s"
cargo build --release --quiet -p backstride-running --example fuzz_stable
target=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
args=("$seconds" --crashes "$root/bench/fuzz-crashes")
[ -d "$corpus" ] && args+=(--corpus "$corpus")
# Huge allocations fail fast instead of swapping the machine (8 GiB of address space).
ulimit -v 8388608 2>/dev/null || true
exec "$target/release/examples/fuzz_stable" "${args[@]}"
