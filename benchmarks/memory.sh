#!/usr/bin/env bash
# Measures the peak resident memory of `gioexport download` while it fetches
# four 64 MiB chunks from the emulator over HTTPS, and fails if it reaches
# the limit (default 64 MiB). Usage: benchmarks/memory.sh [limit-in-MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mib="${1:-64}"

scripts/setup.sh
scripts/build.sh >/dev/null

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

hour=$(TZ=Asia/Shanghai date -d "2 hours ago" +%Y%m%d%H)
build/tools/emulator/gioexport-emulator --tls --port 0 --cert-out "$work/ca.pem" \
  --port-file "$work/port" --cache-dir "$work/cache" \
  --chunk-bytes 67108864 --chunks-per-hour 4 >/dev/null 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")

run_download() {
  GIOEXPORT_SECRET=demo-secret /usr/bin/time -f "%M" -o "$work/rss" \
    build/tools/gioexport/gioexport download --quiet \
    --base-url "https://127.0.0.1:$port" --ca-file "$work/ca.pem" \
    --client-id demo-client-id --project demoPrj1 --ai a1b2c3d4e5f60718 \
    --export-type hour --date "${hour}00" --data-types visit --concurrency 4 \
    --out "$work/$1"
}

# The first run makes the emulator generate and cache the chunks; the second
# is the measured one.
run_download warmup
rm -rf "$work/warmup"
run_download measured
rss_kib=$(cat "$work/rss")
bytes=$(du -sb "$work/measured" | cut -f1)
rm -rf "$work/measured"

echo "downloaded $bytes bytes in 4 files; peak RSS $((rss_kib / 1024)) MiB ($rss_kib KiB); limit $limit_mib MiB"
if [ "$rss_kib" -ge $((limit_mib * 1024)) ]; then
  echo "FAIL: peak RSS is at or above the limit" >&2
  exit 1
fi
