#!/usr/bin/env bash
# Configures (once) and builds gioexport in ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=debugoptimized
fi
ninja -C build -j "${GIOEXPORT_JOBS:-2}"
