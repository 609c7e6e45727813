#!/bin/sh
# Checks the ABI of libgioexport.so.1 against the committed baseline.
#
# Usage: check-abi.sh [--update] LIBRARY
#
# 1. The dynamic symbols LIBRARY defines must equal capi/symbols.txt, and
#    each must be gioexport_* in a GIOEXPORT_* version node.
# 2. abidiff must find no difference between capi/abi/libgioexport.abi and
#    LIBRARY. Only types reachable from exported functions and declared in
#    gioexport.h count; the handle types stay opaque.
#
# Any difference fails, so the baseline moves only on purpose. After an
# intended, compatible change (a new function in a new version node, a new
# status code), run the script with --update and commit both files with the
# change. An incompatible change needs a new soname instead.
#
# Exit status: 0 when both match (or after --update), 1 on a difference, 77
# (skipped, for meson test) when abidw or the library's debug information is
# missing.
set -eu

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [--update] path/to/libgioexport.so.1" >&2
    exit 2
fi
library=$1
capi_dir=$(cd "$(dirname "$0")" && pwd)
symbols_file=$capi_dir/symbols.txt
baseline=$capi_dir/abi/libgioexport.abi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Exported symbols, with their version node.
nm -D --defined-only "$library" | awk '{ print $NF }' | LC_ALL=C sort > "$work/symbols.txt"
if grep -v -E '^(gioexport_[a-z0-9_]+@@GIOEXPORT_[0-9.]+|GIOEXPORT_[0-9.]+)$' "$work/symbols.txt" \
        > "$work/foreign.txt"; then
    echo "FAIL: $library exports symbols outside the gioexport_* interface:" >&2
    cat "$work/foreign.txt" >&2
    exit 1
fi

# libabigail treats every file below --headers-dir as public, so the public
# header gets a folder of its own. The private headers are in capi/src.
mkdir "$work/public"
cp "$capi_dir/gioexport.h" "$work/public/"

if ! command -v abidw > /dev/null || ! command -v abidiff > /dev/null; then
    echo "SKIP: abidw or abidiff not found (Debian package abigail-tools)" >&2
    [ "$update" -eq 0 ] && exit 77
    exit 1
fi
if ! readelf -S "$library" | grep -q '\.debug_info'; then
    echo "SKIP: $library has no debug information; build with -g (buildtype debug or debugoptimized)" >&2
    [ "$update" -eq 0 ] && exit 77
    exit 1
fi

if [ "$update" -eq 1 ]; then
    cp "$work/symbols.txt" "$symbols_file"
    abidw --headers-dir "$work/public" --drop-private-types --exported-interfaces-only \
        --no-corpus-path --no-comp-dir-path --short-locs --type-id-style hash \
        --out-file "$baseline" "$library"
    echo "updated $symbols_file and $baseline"
    exit 0
fi

status=0
if ! diff -u "$symbols_file" "$work/symbols.txt"; then
    echo "FAIL: the exported symbols differ from capi/symbols.txt (- committed, + built)" >&2
    status=1
fi

# 2. Types and signatures. abidiff's exit status is a bit mask: 4 means an
# ABI change, 8 an incompatible one. The baseline keeps short source
# locations, because abidiff reads from them which types the public header
# defines. Without them it filters every struct out as private.
# NOTE: --drop-private-types is not passed because abidiff 2.2 aborts on an
# assertion in its ABI XML reader with it; the baseline is written without
# private types anyway.
set +e
abidiff --hd1 "$work/public" --hd2 "$work/public" \
    --exported-interfaces-only --leaf-changes-only --impacted-interfaces \
    "$baseline" "$library" > "$work/abidiff.txt" 2>&1
abidiff_status=$?
set -e
if [ "$abidiff_status" -ne 0 ]; then
    cat "$work/abidiff.txt"
    if [ $((abidiff_status & 8)) -ne 0 ]; then
        echo "FAIL: incompatible ABI change; soname 1 allows only additions" >&2
    elif [ $((abidiff_status & 4)) -ne 0 ]; then
        echo "FAIL: the ABI differs from capi/abi/libgioexport.abi; if the change is intended and" \
             "compatible, run capi/check-abi.sh --update $library and commit the result" >&2
    else
        echo "FAIL: abidiff could not compare (exit status $abidiff_status)" >&2
    fi
    status=1
fi

[ "$status" -eq 0 ] && echo "ABI matches capi/symbols.txt and capi/abi/libgioexport.abi"
exit "$status"
