#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer on) and runs each for SECONDS seconds (default
# 15), starting from the seed corpus in tests/fuzz/corpus. New inputs go to a
# scratch copy, so the committed corpus does not change.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"

scripts/build.sh >/dev/null  # generates build/include/gioexport/version.hpp

out=build-fuzz
mkdir -p "$out"
common=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -Iinclude -Ibuild/include -Isrc)
protocol_sources=(src/links_parser.cpp src/types.cpp src/error.cpp src/http/url.cpp src/detail/hex.cpp)
libs=(-lboost_json -lboost_url)

build() {
  local name=$1
  if [ ! -x "$out/$name" ] || [ -n "$(find tests/fuzz/"$name".cpp "${protocol_sources[@]}" include -newer "$out/$name" -print -quit)" ]; then
    clang++ "${common[@]}" "tests/fuzz/$name.cpp" "${protocol_sources[@]}" "${libs[@]}" -o "$out/$name"
  fi
}

run() {
  local name=$1 corpus=$2
  local scratch
  scratch=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$corpus/." "$scratch/"
  echo "fuzzing $name for $seconds s" >&2
  "$out/$name" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$out/$name-" "$scratch" 2>"$out/$name.log" ||
    { tail -50 "$out/$name.log" >&2; rm -rf "$scratch"; return 1; }
  grep -E "stat::number_of_executed_units" "$out/$name.log" >&2 || true
  rm -rf "$scratch"
}

build links_parser_fuzz
build link_validation_fuzz
run links_parser_fuzz links
run link_validation_fuzz urls
echo "fuzzing: 2 passed, 0 failed"
