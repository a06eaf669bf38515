#!/usr/bin/env bash
# bench_blocklist.sh BUILD_DIR [PACKETS] [RANGES]: lua/examples/blocklist.lua
# over PACKETS (default 1,000,000) generated 64-byte UDP frames against a
# memory-mapped list made of RANGES (default 102,000: ~100,000 ranges once
# merged) random prefixes (80% IPv4
# in 10/8, where the frames' addresses are, 20% IPv6): the run's time and
# rate, the Lua heap growth after the first 1000 packets (target 0), and
# instructions per packet by callgrind over a 20,000-packet slice, minus a
# pass-through script's (run by hand; numbers in doc/memory.md).
set -eu
build=${1:?usage: bench_blocklist.sh BUILD_DIR [PACKETS] [RANGES]}
packets=${2:-1000000}
ranges=${3:-102000}
src=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
ex=$src/lua/examples

lua5.4 -e "
  local n, x = $ranges, 12345
  local function rnd(m) x = (x * 1103515245 + 12345) % 2147483648; return (x >> 12) % m end
  local out = {}
  for i = 1, n do
    if i % 5 ~= 0 then
      out[i] = ('10.%d.%d.%d/%d'):format(rnd(256), rnd(256), rnd(256), 28 + rnd(5))
    else
      out[i] = ('2001:db8:%x:%x::/64'):format(rnd(65536), rnd(65536))
    end
  end
  io.write(table.concat(out, '\n'), '\n')" >"$t/ranges.txt"
lua5.4 "$ex/blocklist_build.lua" "$t/ranges.txt" "$t/list.bin"
ls -l "$t/list.bin" | awk '{print "list file:", $5, "bytes"}'
"$build/tools/pktgen" --udp64 "$packets" -w "$t/in.pcap"

start=$(date +%s.%N)
EXAMPLE=$ex/blocklist.lua "$build/pktlua" -r "$t/in.pcap" -w /dev/null \
  -f "$src/tests/integration/examples/heap.lua" -a list="$t/list.bin" 2>"$t/err"
end=$(date +%s.%N)
cat "$t/err"
awk -v s="$start" -v e="$end" -v n="$packets" \
  'BEGIN { printf "time %.2f s, %.0f packets/s (a busy machine: see the callgrind count)\n", e - s, n / (e - s) }'

"$build/tools/pktgen" --udp64 20000 -w "$t/small.pcap"
echo 'function packet() return true end' >"$t/pass.lua"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$build/pktlua" -q -r "$t/small.pcap" -w /dev/null "$@" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
base=$(count -f "$t/pass.lua")
full=$(count -f "$ex/blocklist.lua" -a list="$t/list.bin")
awk -v b="$base" -v f="$full" \
  'BEGIN { printf "callgrind: %.0f instructions/packet for the lookup (%.0f with the daemon)\n", (f - b) / 20000, f / 20000 }'
