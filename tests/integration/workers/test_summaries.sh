#!/usr/bin/env bash
# The examples that print a summary (ttl, nat, anonymize, decap, dup,
# encap, reply, sll2eth, tunnel) print one, with --workers 1, 2 and 3 the
# line of a run without --workers, byte for byte: finish() returns the
# worker's counters, merge() adds them up. Over captures of many flows
# (pktgen --flows, with the corpus's ARP, LLC, MPLS, ICMP errors and
# tunnels; the flows in tunnels and in Linux cooked headers). The files
# written are the single run's too, but for encap over IPv4, whose
# identification counts every packet the worker wrapped. quiet=1 prints
# nothing. anonymize's count of addresses, past its caches' 65536, says
# so alike. WORKERS_QUICK=1 (the ThreadSanitizer pass): fewer flows.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
t=$(tmp)
quick=${WORKERS_QUICK:-0}
flows=3000
[ "$quick" = 1 ] && flows=600

# ---- the captures (each made by one run, without --workers) ------------
"$PKTGEN" --flows "$flows" -w "$t/flows.pcap" >/dev/null
# the flows and the corpus's oddities, merged by time
"$PKTLUA" -q -r "$t/flows.pcap" -r "$CAPS/eth-mixed.pcap" \
  -r "$CAPS/ipv6-errors.pcap" -r "$CAPS/ipv4-fragments.pcap" \
  -r "$CAPS/tunnels.pcap" -w "$t/many.pcap" ||
  die "cannot merge the captures"
# the flows in tunnels: VXLAN, GRE over IPv6, IP in IP, and the corpus's
# (with the TTLs and hop limits of 1 of captures/)
"$PKTLUA" -q -r "$t/flows.pcap" -r "$CAPTURES/ipv4.pcap" -r "$CAPTURES/ipv6.pcap" \
  -f "$EXAMPLES/encap.lua" -w "$t/vxlan.pcap" &&
"$PKTLUA" -q -r "$t/flows.pcap" -f "$EXAMPLES/encap.lua" -a mode=gre \
  -a local=2001:db8::1 -a remote=2001:db8::2 -w "$t/gre6.pcap" &&
"$PKTLUA" -q -r "$t/flows.pcap" -f "$EXAMPLES/encap.lua" -a mode=ipip \
  -w "$t/ipip.pcap" &&
"$PKTLUA" -q -r "$t/vxlan.pcap" -r "$t/gre6.pcap" -r "$t/ipip.pcap" \
  -r "$CAPS/tunnels.pcap" -w "$t/tunnels.pcap" ||
  die "cannot make the tunnels capture"
# the flows in Linux cooked headers (SLL), as captured on "any": every
# frame's 14 bytes of Ethernet become 16 of SLL (to this host, its source
# MAC); one packet in seven says CAN (0x000c), which has no Ethernet form
ETH2SLL='
local pktlua = require "pktlua"
pktlua.linktype(113)
local n = 0
function packet (pkt)
  n = n + 1
  pktlua.insert(pkt, 1, 2, "\0\0")
  pkt:set(7, pkt:get(9, 14))
  pkt:set(1, 0, 0, 0, 1, 0, 6)
  pkt:set(13, 0, 0)
  if n % 7 == 0 then pkt:set(15, 0, 0x0c) end
end'
"$PKTLUA" -q -r "$t/many.pcap" -e "$ETH2SLL" -w "$t/sll.pcap" ||
  die "cannot make the cooked capture"
# the flows as raw IP (LINKTYPE_RAW), which sll2eth drops: all of them,
# spread over the workers (SLL's non-IP packets all go to one)
"$PKTLUA" -q -r "$t/flows.pcap" -w "$t/raw.pcap" -e '
  local pktlua = require "pktlua"
  pktlua.linktype(101)
  function packet (pkt) pktlua.remove(pkt, 1, 14) end' ||
  die "cannot make the raw capture"

# ---- the runs -----------------------------------------------------------
# run NAME FILES WANT CAPTURE ARGS...: pktlua -q ARGS over CAPTURE without
# --workers, then with 1, 2 and 3, each in a directory of its own; its
# stdout and stderr must be the first run's, byte for byte, with NAME's
# summary once (matching the ERE WANT: the example did work); with FILES
# "same", every file the runs wrote must be the first run's too
run() {
  local name=$1 files=$2 want=$3 cap=$4 n d what
  shift 4
  for n in 0 1 2 3; do
    d=$t/$name.$n
    rm -rf "$d"; mkdir -p "$d"
    local opt=()
    [ "$n" = 0 ] || opt=(--workers "$n")
    (cd "$d" && "$PKTLUA" -q -r "$cap" ${opt[@]+"${opt[@]}"} "$@" \
       >../$name.$n.out 2>../$name.$n.err; echo $? >../$name.$n.status)
  done
  what="$name over $(basename "$cap")"
  check "$what: exit 0 ($(cat "$t/$name.0.status"): $(head -c 300 "$t/$name.0.err"))" \
    [ "$(cat "$t/$name.0.status")" = 0 ]
  check "$what: the summary says $want ($(head -c 300 "$t/$name.0.err"))" \
    grep -Eq "$want" "$t/$name.0.err"
  for n in 1 2 3; do
    check "$what, --workers $n: exit 0" [ "$(cat "$t/$name.$n.status")" = 0 ]
    same "$what, --workers $n: stderr" "$t/$name.0.err" "$t/$name.$n.err"
    same "$what, --workers $n: stdout" "$t/$name.0.out" "$t/$name.$n.out"
    check "$what, --workers $n: one summary" \
      [ "$(grep -c "^${name%%.*}.lua: " "$t/$name.$n.err")" = 1 ]
    if [ "$files" = same ]; then
      if diff -r "$t/$name.0" "$t/$name.$n" >"$t/diff" 2>&1; then ok
      else bad "$what: --workers $n wrote other files: $(head -c 300 "$t/diff")"
      fi
    fi
  done
}
# quiet NAME CAPTURE ARGS...: with quiet=1 and 3 workers, nothing is said
quiet() {
  local name=$1 cap=$2
  shift 2
  "$PKTLUA" -q -r "$cap" --workers 3 "$@" -a quiet=1 -w /dev/null \
    >"$t/quiet.out" 2>"$t/quiet.err"
  check "$name, quiet=1, --workers 3: exit 0" [ $? = 0 ]
  check "$name, quiet=1, --workers 3: nothing said ($(head -c 300 "$t/quiet.err"))" \
    [ ! -s "$t/quiet.err" ] && [ ! -s "$t/quiet.out" ]
}

M=$t/many.pcap
run ttl same 'decremented [1-9][0-9]* IPv4 \+ [1-9][0-9]* IPv6, dropped [1-9]' \
  "$M" -f "$EXAMPLES/ttl.lua" -w out.pcap
run ttl.strict same '\+ [1-9][0-9]* bad header checksum, passed [1-9]' \
  "$M" -f "$EXAMPLES/ttl.lua" -a strict=1 -w out.pcap
quiet ttl "$M" -f "$EXAMPLES/ttl.lua"

run nat same 'rewrote [1-9][0-9]{2,} packets, [1-9][0-9]* ARP, [1-9][0-9]* quoted' \
  "$M" -f "$EXAMPLES/nat.lua" -a map=10.0.0.0/8:11.0.0.0/8 \
  -a map6=2001:db8::/32=2001:db9::/32 -w out.pcap
quiet nat "$M" -f "$EXAMPLES/nat.lua"

run anonymize same '[1-9][0-9]{2,} IP packets, [1-9][0-9]* ARP, [1-9][0-9]* quoted ICMP headers, [1-9][0-9]{2,} addresses' \
  "$M" -f "$EXAMPLES/anonymize.lua" -a key=merge -w out.pcap
quiet anonymize "$M" -f "$EXAMPLES/anonymize.lua"

run dup same '^dup.lua: [1-9][0-9]* of [1-9][0-9]* packets mirrored to mirror$' \
  "$M" -f "$EXAMPLES/dup.lua" -w all.pcap -w mirror=mirror.pcap
run dup.default same 'mirrored to default' \
  "$M" -f "$EXAMPLES/dup.lua" -a to=default -w out.pcap
quiet dup "$M" -f "$EXAMPLES/dup.lua" -a to=default

run reply same '[1-9][0-9]* echo requests and 0 ARP requests answered, [1-9][0-9]* packets seen' \
  "$M" -f "$EXAMPLES/reply.lua" -w out.pcap
quiet reply "$M" -f "$EXAMPLES/reply.lua"

run decap same 'stripped geneve [0-9]+, gre [1-9][0-9]{2,}, gtpu [0-9]+, ip [1-9][0-9]{2,}, vxlan [1-9][0-9]{2,}' \
  "$t/tunnels.pcap" -f "$EXAMPLES/decap.lua" -w out.pcap
run decap.levels same 'stripped ' \
  "$t/tunnels.pcap" -f "$EXAMPLES/decap.lua" -a levels=1 -w out.pcap
quiet decap "$t/tunnels.pcap" -f "$EXAMPLES/decap.lua"

run tunnel same 'rewrote geneve [0-9]+, gre [1-9][0-9]{2,}, gtpu [0-9]+, ip [1-9][0-9]{2,}, vxlan [1-9][0-9]{2,}; dropped [1-9][0-9]* expired' \
  "$t/tunnels.pcap" -f "$EXAMPLES/tunnel.lua" -w out.pcap
run tunnel.ttl same 'rewrote .*vxlan [1-9][0-9]{2,}; dropped 0 expired' \
  "$t/tunnels.pcap" -f "$EXAMPLES/tunnel.lua" -a ttl=32 -w out.pcap
quiet tunnel "$t/tunnels.pcap" -f "$EXAMPLES/tunnel.lua"

# over IPv6 the wrapped packets are the single run's; over IPv4 each
# worker numbers its own (the identification)
run encap.gre6 same '^encap.lua: [1-9][0-9]* packets passed unchanged \(no IP behind a known link layer\)$' \
  "$M" -f "$EXAMPLES/encap.lua" -a mode=gre -a local=2001:db8::1 \
  -a remote=2001:db8::2 -w out.pcap
run encap.ipip differ 'passed unchanged \(no IP behind' \
  "$M" -f "$EXAMPLES/encap.lua" -a mode=ipip -w out.pcap
run encap.vxlan same "^encap.lua: $(count "$t/sll.pcap") packets passed unchanged \(not Ethernet\)$" \
  "$t/sll.pcap" -f "$EXAMPLES/encap.lua" -w out.pcap
quiet encap "$M" -f "$EXAMPLES/encap.lua" -a mode=gre

run sll2eth same '^sll2eth.lua: [1-9][0-9]* packets dropped' \
  "$t/sll.pcap" -f "$EXAMPLES/sll2eth.lua" -w out.pcap
run sll2eth.raw same "^sll2eth.lua: $(count "$t/raw.pcap") packets dropped" \
  "$t/raw.pcap" -f "$EXAMPLES/sll2eth.lua" -w out.pcap
quiet sll2eth "$t/sll.pcap" -f "$EXAMPLES/sll2eth.lua"

# anonymize past its caches (65536 addresses of a version): the flows
# looped, every IPv4 packet given addresses of its own
if [ "$quick" != 1 ]; then
  "$PKTLUA" -q -r "$t/flows.pcap" --loop=8 -w "$t/hosts.pcap" -e '
    local n = 0
    function packet (pkt, info)
      if info.ipversion ~= 4 then return end
      n = n + 1
      local a = 0x0a000000 + 2 * n
      pkt:set(info.l3 + 12, a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255,
              a >> 24, a >> 16 & 255, a >> 8 & 255, a + 1 & 255)
    end' || die "cannot make the hosts capture"
  run anonymize.hosts same ' over 65536 addresses anonymised$' \
    "$t/hosts.pcap" -f "$EXAMPLES/anonymize.lua" -w out.pcap
fi
finish
