#!/usr/bin/env bash
# vlan.lua against tcprewrite --enet-vlan=add/del over every Ethernet
# capture: the same records (tcprewrite also rewrites the MAC addresses
# of multicast IP packets: the addresses are left out of the comparison),
# but where tcprewrite is wrong: it counts Ethernet padding into the IP
# length (its issue #845), tags the inner frame of Ethernet over MPLS and
# silently fixes bad checksums, where
# vlan.lua keeps the IP length (tshark) and the bad checksums (tcpdump
# -vv), so that a capture replays as it was;
# op=set against tshark's vlan.id/vlan.priority; other link types and
# 802.3 frames unchanged; bad arguments refused; no Lua allocation per
# packet (the tag is made once).
. "$(dirname "$0")/../lib.sh"
need tcprewrite tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# the lengths and checksums tcprewrite should not change, one frame a line
ipfields() {
  tshark -r "$1" -T fields -E occurrence=a -e ip.len -e ip.checksum -e ipv6.plen \
    -e udp.length -e udp.checksum -e tcp.checksum -e icmp.checksum 2>/dev/null
}

n=0
for f in $(readable_captures); do
  name=$(basename "$f")
  lt=$("$PKTLUA" -q -r "$f" -c 1 -e 'function packet (p, i) print(i.linktype) end')
  if [ "$lt" != 1 ]; then  # not Ethernet: passed as it is
    run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/vlan.lua" -a op=push -a vid=7
    check "$name (link type $lt): unchanged" cmp -s <(records "$f") <(records "$t/o.pcap")
    continue
  fi
  n=$((n + 1))
  run_pktlua -r "$f" -w "$t/push.pcap" -f "$EXAMPLES/vlan.lua" -a op=push -a vid=100 -a pcp=5 ||
    bad "$name: push failed: $(head -2 "$LAST_ERR")"
  tcprewrite --enet-vlan=add --enet-vlan-tag=100 --enet-vlan-pri=5 --enet-vlan-cfi=0 \
    -i "$f" -o "$t/push.tr.pcap" 2>/dev/null || die "tcprewrite failed on $name"
  # tcprewrite's wrong frames: where it changed lengths or checksums
  ipfields "$f" >"$t/in.f"
  ipfields "$t/push.tr.pcap" | paste "$t/in.f" - |
    awk -F'\t' '{ n = NF / 2; for (i = 1; i <= n; i++) if ($i != $(i + n)) { print NR; next } }' >"$t/skip"
  tshark -r "$f" -T fields -e frame.protocols 2>/dev/null |
    awk '{ if (gsub(/(^|:)eth:/, "&") > 1) print NR }' >>"$t/skip"  # Ethernet in Ethernet
  same "$name: push = tcprewrite --enet-vlan=add" <(records "$t/push.tr.pcap" "$t/skip" 13) <(records "$t/push.pcap" "$t/skip" 13)
  run_pktlua -r "$f" -w "$t/pop.pcap" -f "$EXAMPLES/vlan.lua" -a op=pop ||
    bad "$name: pop failed: $(head -2 "$LAST_ERR")"
  tcprewrite --enet-vlan=del -i "$f" -o "$t/pop.tr.pcap" 2>/dev/null || die "tcprewrite failed on $name"
  same "$name: pop = tcprewrite --enet-vlan=del" <(records "$t/pop.tr.pcap" "$t/skip" 13) <(records "$t/pop.pcap" "$t/skip" 13)
  same "$name: push keeps the IP lengths and checksums" "$t/in.f" <(ipfields "$t/push.pcap")
  same "$name: pop keeps the IP lengths and checksums" "$t/in.f" <(ipfields "$t/pop.pcap")
  # a push then a pop: the input again, MAC addresses too
  "$PKTLUA" -q -r "$t/push.pcap" -w "$t/back.pcap" -f "$EXAMPLES/vlan.lua" -a op=pop
  check "$name: push then pop: as it was" cmp -s <(records "$f") <(records "$t/back.pcap")
done
check "Ethernet captures compared: $n" test "$n" -gt 0
[ "$CORPUS" = shared ] && finish

# set: VID and PCP of the outer tag, the inner one untouched
run_pktlua -r "$CAPS/vlan.pcap" -w "$t/set.pcap" -f "$EXAMPLES/vlan.lua" -a op=set -a vid=300 -a pcp=3
check "set on vlan.pcap: VID 300, PCP 3 on every frame" \
  test "$(tshark -r "$t/set.pcap" -T fields -e vlan.id -e vlan.priority 2>/dev/null | sort | uniq -c | awk '{ print $1, $2, $3 }')" = \
       "$(count "$CAPS/vlan.pcap") 300 3"
run_pktlua -r "$CAPS/qinq.pcap" -w "$t/set2.pcap" -f "$EXAMPLES/vlan.lua" -a op=set -a vid=301
same "set on qinq.pcap: the S-tag's VID, the C-tag as it was" \
  <(tshark -r "$CAPS/qinq.pcap" -T fields -e ieee8021ad.priority -e vlan.id -e vlan.priority 2>/dev/null | sed 's/^/301\t/') \
  <(tshark -r "$t/set2.pcap" -T fields -e ieee8021ad.id -e ieee8021ad.priority -e vlan.id -e vlan.priority 2>/dev/null)

# push on an S-tag TPID, with DEI
run_pktlua -r "$CAP_LONG" -c 5 -w "$t/s.pcap" -f "$EXAMPLES/vlan.lua" -a vid=4095 -a pcp=7 -a dei=1 -a tpid=0x88a8
check "push with tpid=0x88a8: an 802.1ad tag" \
  test "$(tshark -r "$t/s.pcap" -T fields -e ieee8021ad.id -e ieee8021ad.priority -e ieee8021ad.dei 2>/dev/null | sort -u)" = "$(printf '4095\t7\t1')"

# bad arguments: one clear line, exit 2, no output
for a in "op=swap" "vid=4096" "pcp=8" "vid=x"; do
  run_pktlua -r "$CAP_LONG" -w "$t/bad.pcap" -f "$EXAMPLES/vlan.lua" -a "$a"
  check "-a $a: exit 2" test $? -eq 2
  check "-a $a: said which ($(head -1 "$LAST_ERR"))" grep -q "vlan.lua: -a" "$LAST_ERR"
done
run_pktlua -r "$CAP_LONG" -w "$t/bad.pcap" -f "$EXAMPLES/vlan.lua" -a op=push
check "push without vid: exit 2" test $? -eq 2

# no Lua allocation per packet: the heap after 100 packets and after all
# of the long capture is the same (collectgarbage("count"), KiB)
for op in push pop; do
  heap=$("$PKTLUA" -q -r "$CAP_LONG" -e '
    local run = loadfile(arg.script)
    run()
    local inner, n, first = packet, 0, nil
    function packet (p, i)
      inner(p, i)
      n = n + 1
      if n == 100 then collectgarbage("stop") first = collectgarbage("count") end
    end
    function finish () print(collectgarbage("count") - first) end' \
    -a script="$EXAMPLES/vlan.lua" -a op=$op -a vid=9)
  check "$op: no Lua heap per packet (grew $heap KiB)" awk -v h="$heap" 'BEGIN { exit !(h < 1) }'
done

finish
