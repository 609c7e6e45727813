#!/bin/sh
# Runs the checks and tests of the Go and Rust bindings against a Meson build
# directory (default: build) that contains capi/libgioexport.so.1 and
# tools/emulator/gioexport-emulator.
#
# Usage: bindings/test.sh [BUILD_DIR]
set -eu

bindings=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$bindings")
build=${1:-build}
case $build in
    /*) ;;
    *) build=$top/$build ;;
esac

for needed in "$build/capi/libgioexport.so.1" "$build/tools/emulator/gioexport-emulator" \
              "$build/meson-uninstalled/gioexport-uninstalled.pc"; do
    if [ ! -e "$needed" ]; then
        echo "bindings/test.sh: missing $needed; build it first: ninja -C $build" >&2
        exit 1
    fi
done

# Go and rustup install outside the system folders, which a shell that
# read no profile may lack on its PATH.
command -v go > /dev/null || PATH=$PATH:/usr/local/go/bin
command -v cargo > /dev/null || PATH=$PATH:${CARGO_HOME:-$HOME/.cargo}/bin
for tool in go cargo pkg-config; do
    if ! command -v "$tool" > /dev/null; then
        echo "bindings/test.sh: $tool not found; install it or add it to PATH" >&2
        exit 1
    fi
done

# pkg-config prefers gioexport-uninstalled.pc, which points into the build
# directory, and the loader finds libgioexport.so.1 there too.
PKG_CONFIG_PATH=$build/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
LD_LIBRARY_PATH=$build/capi${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
GIOEXPORT_EMULATOR=$build/tools/emulator/gioexport-emulator
export PKG_CONFIG_PATH LD_LIBRARY_PATH GIOEXPORT_EMULATOR

echo "== Go: go vet"
(cd "$bindings/go" && go vet ./...)
echo "== Go: go test -race"
(cd "$bindings/go" && go test -race -count=1 ./...)

echo "== Rust: cargo clippy"
(cd "$bindings/rust" && cargo clippy --locked --all-targets -- -D warnings)
echo "== Rust: cargo test"
(cd "$bindings/rust" && cargo test --locked)

# The 10,000 failing calls again under valgrind: each error object must be
# freed exactly once, with no invalid free and no leak.
if command -v valgrind > /dev/null; then
    echo "== Rust: errors test under valgrind"
    errors_test=$(cd "$bindings/rust" && cargo test --locked --test errors --no-run 2>&1 |
                  sed -n 's/.*Executable tests\/errors\.rs (\(.*\))$/\1/p')
    (cd "$bindings/rust" && valgrind -q --error-exitcode=1 --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        "$errors_test" --test-threads=1)
else
    echo "== Rust: valgrind is not installed, so the errors test ran without it"
fi
