#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz with clang, ASan and UBSan.
# Usage: tests/fuzz/build.sh BUILD_DIR [OUT_DIR]
#   BUILD_DIR: a configured build directory (for config.h)
#   OUT_DIR:   where the fuzz_* binaries go (default BUILD_DIR/fuzz)
# Not part of make: see tests/fuzz/README.md.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: build.sh BUILD_DIR [OUT_DIR]}" && pwd)
out=${2:-$build/fuzz}
CC=${CC:-clang}
mkdir -p "$out/obj"
deps="libcurl libxml-2.0 jansson libcrypto libpng"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -std=gnu11 $san -fsanitize=fuzzer-no-link \
    -DIC_DATADIR=\"/nonexistent\" -DIC_SRCDIR=\"$src\" \
    -DIC_BUILDDIR=\"$build\" -I$build -I$src/runner -I$src/reports \
    $(pkg-config --cflags $deps)"
libs="$(pkg-config --libs $deps) -lpthread -lm"

# the whole library, instrumented for coverage
objs=
for f in "$src"/runner/*.c "$src"/reports/*.c; do
    case $(basename "$f") in main.c | demo.c) continue ;; esac
    o="$out/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o"
    # shellcheck disable=SC2086
    $CC $cflags -c "$f" -o "$o"
    objs="$objs $o"
done
# shellcheck disable=SC2086
ar rcs "$out/obj/libisrcert-fuzz.a" $objs

for h in "$src"/tests/fuzz/fuzz_*.c; do
    name=$(basename "$h" .c)
    # shellcheck disable=SC2086
    $CC $cflags -fsanitize=fuzzer "$h" "$out/obj/libisrcert-fuzz.a" $libs \
        -o "$out/$name"
    echo "built $out/$name"
done
