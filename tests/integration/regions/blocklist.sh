#!/usr/bin/env bash
# lua/examples/blocklist.lua end to end: a list built by blocklist_build.lua
# from text ranges, run by the real pktlua over generated captures (IPv4
# and IPv6); tcpdump with the same ranges as a BPF filter is the oracle of
# which packets pass (and, with invert=1, of which are kept). Then: the
# Lua heap does not grow per packet, and bad lists and arguments fail
# with one clear line.
. "$(dirname "$0")/../lib.sh"
need tcpdump mergecap
need_pktlua
need_pktgen
t=$(tmp)
LAST_ERR=$t/err
build() { lua5.4 "$EXAMPLES/blocklist_build.lua" "$@"; }

"$PKTGEN" --mixed 3000 -w "$t/mixed.pcap" || die "pktgen"
"$PKTGEN" --seed 9 --udp64 2000 -w "$t/udp.pcap" || die "pktgen"
mergecap -a -F pcap -w "$t/in.pcap" "$t/mixed.pcap" "$t/udp.pcap" \
  "$CAPTURES/ipv4.pcap" "$CAPTURES/ipv6.pcap" || die "mergecap"

# the ranges, written three ways the builder must read alike: prefixes,
# first-last ranges, single addresses, overlapping and adjacent entries
cat >"$t/ranges.txt" <<'R'
# IPv4
10.1.0.0/16
10.3.96.0-10.3.99.255       # = 10.3.96.0/22
10.3.98.0/24                # inside the one above
10.2.5.7
10.2.5.8                    # adjacent to the one above
192.0.2.0/24
# IPv6
2001:db8:2::80
2001:db8:1::/127            # ::0 and ::1
fe80::/10
R
bpf='net 10.1.0.0/16 or net 10.3.96.0/22 or host 10.2.5.7 or host 10.2.5.8 or net 192.0.2.0/24 or host 2001:db8:2::80 or net 2001:db8:1::/127 or net fe80::/10'

if build "$t/ranges.txt" "$t/list.bin" >"$t/build.out"; then ok; else
  bad "blocklist_build failed"; fi
check "builder summary: $(cat "$t/build.out")" \
  grep -q "4 IPv4 and 3 IPv6 ranges" "$t/build.out"

tcpdump -r "$t/in.pcap" -w "$t/pass.pcap" "not ($bpf)" 2>/dev/null || die "tcpdump"
tcpdump -r "$t/in.pcap" -w "$t/block.pcap" "$bpf" 2>/dev/null || die "tcpdump"
dump() { tcpdump -nr "$1" -xx 2>/dev/null; }

for mode in pass block; do
  extra=(); [ $mode = block ] && extra=(-a invert=1)
  if run_pktlua -r "$t/in.pcap" -w "$t/out.$mode.pcap" \
       -f "$EXAMPLES/blocklist.lua" -a list="$t/list.bin" "${extra[@]}"; then
    ok
  else
    bad "$mode: pktlua failed: $(cat "$LAST_ERR")"
  fi
  dump "$t/out.$mode.pcap" >"$t/out.$mode.txt"
  dump "$t/$mode.pcap" >"$t/want.$mode.txt"
  same "$mode: the packets tcpdump '$bpf' selects" "$t/want.$mode.txt" "$t/out.$mode.txt"
  n=$(grep -c '^[0-9]' "$t/out.$mode.txt")
  check "$mode: some packets and not all ($n)" [ "$n" -gt 10 ] && [ "$n" -lt 5014 ]
done

# an empty list blocks nothing; a list of everything blocks all IP
printf '# nothing\n' >"$t/none.txt"
build "$t/none.txt" "$t/none.bin" >/dev/null || bad "empty list build"
run_pktlua -r "$t/in.pcap" -w "$t/none.pcap" -f "$EXAMPLES/blocklist.lua" \
  -a list="$t/none.bin" || bad "empty list run: $(cat "$LAST_ERR")"
same "empty list: every packet passes" <(dump "$t/in.pcap") <(dump "$t/none.pcap")
printf '0.0.0.0/0\n::/0\n' >"$t/all.txt"
build "$t/all.txt" "$t/all.bin" >/dev/null || bad "full list build"
run_pktlua -r "$t/in.pcap" -w "$t/all.pcap" -f "$EXAMPLES/blocklist.lua" \
  -a list="$t/all.bin" || bad "full list run: $(cat "$LAST_ERR")"
tcpdump -r "$t/in.pcap" -w "$t/notip.pcap" "not ip and not ip6" 2>/dev/null
same "full list: only non-IP passes" <(dump "$t/notip.pcap") <(dump "$t/all.pcap")

# no Lua heap growth per packet (the examples' heap harness)
if EXAMPLE=$EXAMPLES/blocklist.lua run_pktlua -r "$t/in.pcap" -w /dev/null \
     -f "$SRC/tests/integration/examples/heap.lua" -a list="$t/list.bin"; then
  g=$(sed -nE 's/^heap: ([0-9]+) packets, growth after 1000: (-?[0-9]+) bytes$/\2/p' "$LAST_ERR")
  check "heap growth after 1000 packets is 0 ($g)" [ "$g" = 0 ]
else
  bad "heap run failed: $(cat "$LAST_ERR")"
fi

# failures: one clear line, non-zero exit
fails() {  # fails WHAT PATTERN ARGS...
  local what=$1 pat=$2; shift 2
  if run_pktlua -r "$t/in.pcap" -w /dev/null -f "$EXAMPLES/blocklist.lua" "$@"; then
    bad "$what: pktlua succeeded"
  else
    check "$what: '$pat' in: $(head -c 200 "$LAST_ERR")" grep -q -- "$pat" "$LAST_ERR"
  fi
}
fails "no list" "list=FILE is required"
fails "missing file" "No such file" -a list="$t/missing.bin"
printf 'not a list at all, just text\n' >"$t/junk.bin"
fails "not a list" "not a blocklist file" -a list="$t/junk.bin"
head -c 30 "$t/list.bin" >"$t/short.bin"
fails "truncated list" "truncated or corrupt" -a list="$t/short.bin"

# the builder names the bad line
printf '10.0.0.0/8\n10.0.0.300\n' >"$t/bad.txt"
if build "$t/bad.txt" "$t/bad.bin" 2>"$t/bad.err"; then bad "builder accepted 10.0.0.300"
else check "builder error names line 2: $(cat "$t/bad.err")" grep -q "line 2" "$t/bad.err"; fi
printf '2001:db8::1::2\n' >"$t/bad6.txt"
if build "$t/bad6.txt" "$t/bad6.bin" 2>/dev/null; then bad "builder accepted two '::'"; else ok; fi
finish
