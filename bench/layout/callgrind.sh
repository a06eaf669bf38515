#!/bin/sh
# Instructions per access of each bench_layout.lua case, counted by
# callgrind (deterministic, unlike wall time on a loaded machine).
#   bench/layout/callgrind.sh BUILD_DIR [iterations]
set -eu
build=${1:?usage: callgrind.sh BUILD_DIR [iterations]}
n=${2:-100000}
here=$(cd "$(dirname "$0")" && pwd)
export LUA_CPATH="$build/lua/?.so"
count () {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    lua5.4 "$here/bench_layout.lua" --case "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
base=$(count "empty loop" "$n")
base0=$(count "empty loop" 0)
printf '%-34s %10s\n' case "instr/op"
for c in "empty loop" "memory.get(m, 9)" "memory.set(m, 9, v)" \
         "p.timetolive" "p.timetolive = v" "p.fragoffset (13 bits)" \
         "p.fragoffset = v" "p.source.a" "p.source.a = v" \
         "p.timetolive (referenced memory)" \
         "p.timetolive = v (referenced memory)" \
         "memory.get(rm, 9) (referenced)" \
         "layout.setpointer(p, rm, 1)" "layout.fits(S, rm, 1)" \
         "layout.fits(p, rm, 1)" "layout.fits(p)" \
         "p.timetolive = v (autochecksum)" \
         "pure-Lua q.timetolive" "pure-Lua q.timetolive = v" \
         "pure-Lua q.fragoffset" "pure-Lua q.fragoffset = v" \
         "pure-Lua q.source.a" "pure-Lua q.source.a = v"; do
  total=$(count "$c" "$n")
  # minus start-up and loop: what one access costs
  printf '%-34s %10d\n' "$c" $(( (total - base) / n ))
done
echo "(empty loop: $(( (base - base0) / n )) instr/iteration, subtracted)"
