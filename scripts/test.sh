#!/usr/bin/env bash
# Sets up, builds and runs every test suite. This is the README's test
# command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
meson test -C build --print-errorlogs --num-processes 2
