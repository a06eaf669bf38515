#!/bin/sh
# callgrind_ratio.sh BUILD_DIR: instructions of a loop of memory.get /
# memory.set against the same loop of string.byte, counted by callgrind
# (immune to a busy machine; run by hand).
set -eu
build=${1:?usage: callgrind_ratio.sh BUILD_DIR}
export LUA_CPATH="$build/lua/?.so"
count () {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null lua5.4 -e "
    local memory = require 'memory'
    local s = string.rep('x', 64)
    local m = memory.create(s)
    local byte, get, set = string.byte, memory.get, memory.set
    local acc = 0
    for i = 1, 1000000 do $1 end" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
base=$(count "acc = acc + byte(s, (i & 63) + 1)")
get=$(count "acc = acc + get(m, (i & 63) + 1)")
set=$(count "set(m, (i & 63) + 1, i & 255)")
echo "instructions: byte $base  get $get  set $set"
awk -v b="$base" -v g="$get" -v s="$set" \
  'BEGIN { printf "ratio get/byte %.2f  set/byte %.2f\n", g / b, s / b }'
