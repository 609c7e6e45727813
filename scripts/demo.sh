#!/usr/bin/env bash
# Sets up, builds, starts the emulator over HTTPS and downloads one day's
# export of every data type with `gioexport download`, then checks every file
# with gzip -t and against the MD5 in the manifest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh

work=$(mktemp -d)
out="${GIOEXPORT_DEMO_OUT:-$PWD/demo-data}"
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Yesterday in Beijing time, so the emulator's export has finished.
day=$(TZ=Asia/Shanghai date -d "yesterday" +%Y%m%d)

build/tools/emulator/gioexport-emulator --tls --port 0 --cert-out "$work/ca.pem" \
  --port-file "$work/port" --chunk-bytes 65536 >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")

# The secret travels in the environment, not on the command line.
export GIOEXPORT_SECRET=demo-secret
build/tools/gioexport/gioexport download \
  --base-url "https://127.0.0.1:$port" --ca-file "$work/ca.pem" \
  --client-id demo-client-id --project demoPrj1 --ai a1b2c3d4e5f60718 \
  --export-type day --date "${day}0000" --out "$out"

export_dir="$out/a1b2c3d4e5f60718/day/$day"
python3 - "$export_dir" <<'PY'
import hashlib, json, subprocess, sys, pathlib
export_dir = pathlib.Path(sys.argv[1])
manifest = json.loads((export_dir / "manifest.json").read_text())
for entry in manifest["files"]:
    path = export_dir / entry["path"]
    subprocess.run(["gzip", "-t", str(path)], check=True)
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    if digest != entry["md5"]:
        sys.exit(f"MD5 mismatch for {path}: manifest {entry['md5']}, file {digest}")
types = sorted({entry["dataType"] for entry in manifest["files"]})
print(f"checked {len(manifest['files'])} files of {len(types)} data types: gzip -t and MD5 match the manifest")
PY
echo "files are in $export_dir"
