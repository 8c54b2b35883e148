#!/bin/sh
# Builds and optionally runs the libFuzzer target for the RDB reader.
#   tests/fuzz/build.sh            build build-fuzz/fuzz_rdb
#   tests/fuzz/build.sh run [secs] build, seed a corpus, fuzz for secs (60)
# Needs Debian's clang (apt-get install clang).
set -eu
cd "$(dirname "$0")/../.."
OUT=build-fuzz
mkdir -p "$OUT/corpus"
FLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -Icommon -Iserver $(pkg-config --cflags liblzf hiredis openssl)"
SRC=$(ls common/*.c server/*.c | grep -v '^server/main.c$')
# shellcheck disable=SC2086
clang $FLAGS -o "$OUT/fuzz_rdb" tests/fuzz/fuzz_rdb.c $SRC \
  $(pkg-config --libs liblzf hiredis openssl) -lev -lm -lpthread
echo "built $OUT/fuzz_rdb"
[ "${1:-}" = run ] || exit 0
# Seeds: any RDB files lying in the tree's test data, plus a minimal file.
printf 'REDIS0010\377\0\0\0\0\0\0\0\0' > "$OUT/corpus/minimal.rdb"
for f in "$OUT"/seeds/*.rdb; do [ -f "$f" ] && cp "$f" "$OUT/corpus/"; done
"$OUT/fuzz_rdb" -max_total_time="${2:-60}" -max_len=65536 -rss_limit_mb=2048 "$OUT/corpus"
