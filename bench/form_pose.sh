#!/usr/bin/env bash
# Running form from a video (issue 16): how many frames per second the browser's pose model
# analyses with the lite and with the full model, and the time from choosing the demo clip to
# seeing its results, through the real page in headless Chromium (the model runs on the CPU in
# WebAssembly; WebGL, drawn in software by SwiftShader as there is no GPU here, only hands it
# the pictures). It runs the browser test
# `form_video_browser::the_demo_video_is_measured_in_the_browser` once per model and prints the
# figures the test reports (the page's own `window.formVideoTiming`).
#
#   bash bench/form_pose.sh [lite|full ...]     (default: lite full)
#
# Needs ../shared/data/video/sports2d-demo.mp4 beside the repository, /usr/bin/chromium,
# /usr/bin/chromedriver and ffmpeg (apt-get install chromium chromium-driver ffmpeg). Figures: bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f ../shared/data/video/sports2d-demo.mp4 ] || { echo "needs ../shared/data/video/sports2d-demo.mp4"; exit 1; }
[ -x /usr/bin/chromedriver ] || { echo "needs /usr/bin/chromium and /usr/bin/chromedriver"; exit 1; }
command -v ffmpeg >/dev/null || { echo "needs ffmpeg"; exit 1; }
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(lite full)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --test app --no-run --quiet
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for model in "${models[@]}"; do
  for test in the_demo_video_is_measured_in_the_browser a_ten_second_clip_is_timed_in_the_browser; do
    status=0
    BACKSTRIDE_POSE_MODEL=$model cargo test --workspace --test app --quiet -- --exact \
      "form_video_browser::$test" --nocapture >"$log" 2>&1 || status=$?
    grep -E '^(pose model|demo video:|ten-second clip)' "$log" | cut -c1-1200
    if [ "$status" -ne 0 ]; then
      grep -A3 'panicked at' "$log" | cut -c1-600
      exit "$status"
    fi
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
