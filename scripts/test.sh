#!/usr/bin/env bash
# Sets up, builds and runs every test: all Meson suites, a short fuzzing run,
# the suites again under AddressSanitizer and UndefinedBehaviorSanitizer, and
# the Go and Rust bindings. This is the README's test command and what CI
# runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
meson test -C build --print-errorlogs --num-processes 2

scripts/fuzz.sh "${GIOEXPORT_FUZZ_SECONDS:-10}"

# The library and its test programs again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer. To keep the build short on two cores, only
# those programs are built, as a unity build like ./build. They drive the
# emulator and the command-line tool of the normal build. The C ABI suite
# runs under valgrind in the normal build instead (valgrind and
# AddressSanitizer do not mix).
if [ ! -f build-san/build.ninja ]; then
  meson setup build-san --buildtype=debug -Db_sanitize=address,undefined -Dunity=on -Dunity_size=8
fi
sanitized=(tests/unit/unit_tests tests/integration/integration_tests tests/faults/fault_tests)
ninja -C build-san -j "${GIOEXPORT_JOBS:-2}" "${sanitized[@]}"
for program in "${sanitized[@]}"; do
  echo "sanitized: $program" >&2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  GIOEXPORT_EMULATOR="$PWD/build/tools/emulator/gioexport-emulator" \
  GIOEXPORT_CLI="$PWD/build/tools/gioexport/gioexport" \
    "build-san/$program" --log_level=test_suite --report_level=short
done

# The C test with eight threads sharing one client, under ThreadSanitizer.
# It drives the emulator of the normal build. GCC 12 warns that TSan does not
# model the atomic_thread_fence Asio uses, so warnings are not errors here.
# This build compiles each library source on its own, unlike the unity
# builds above, so a source that lacks an #include it needs fails here.
if [ ! -f build-tsan/build.ninja ]; then
  meson setup build-tsan --buildtype=debug -Db_sanitize=thread -Dwerror=false
fi
ninja -C build-tsan -j "${GIOEXPORT_JOBS:-2}" tests/capi/capi_threads
echo "thread-sanitized: tests/capi/capi_threads" >&2
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  build-tsan/tests/capi/capi_threads "$PWD/build/tools/emulator/gioexport-emulator"

if [ -x bindings/test.sh ]; then
  bindings/test.sh build
fi
