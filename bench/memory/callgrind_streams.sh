#!/bin/sh
# callgrind_streams.sh BUILD_DIR [N]: instructions per record of the three
# ways bench_streams.lua parses records (memory.reader, memory.unpack,
# string.unpack), counted by callgrind (immune to a busy machine). The
# count of a run of 1 record is taken off, leaving the loop alone.
set -eu
build=${1:?usage: callgrind_streams.sh BUILD_DIR [N]}
n=${2:-200000}
here=$(dirname "$0")
export LUA_CPATH="$build/lua/?.so"
count () {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    lua5.4 "$here/bench_streams.lua" "$1" "$2" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
for w in reader memunpack strunpack; do
  full=$(count "$w" "$n")
  base=$(count "$w" 1)
  awk -v w="$w" -v f="$full" -v b="$base" -v n="$n" \
    'BEGIN { printf "%-10s %7.0f instructions/record\n", w, (f - b) / (n - 1) }'
done
