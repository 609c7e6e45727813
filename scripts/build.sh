#!/usr/bin/env bash
# Configures (once) and builds gioexport in ./build. It is a unity build:
# each target's sources compile as a few combined files, which takes about
# 40 percent less CPU time than one file at a time. Configure another folder
# without -Dunity=on for quick rebuilds while changing the code.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=debugoptimized -Dunity=on -Dunity_size=8
fi
ninja -C build -j "${GIOEXPORT_JOBS:-2}"
