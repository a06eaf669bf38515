#!/usr/bin/env bash
# sll2eth.lua: Linux cooked captures (SLL, SLL2) made Ethernet. Over every
# cooked capture of the corpus, and over copies whose headers were changed
# to every packet type, no address, an 802.2 LLC and a CAN protocol:
# tshark's view of the Ethernet frames is what its view of the cooked
# header says they must be (source: the header's MAC, else us= or peer=
# by the direction; destination by the packet type; the ethertype, or an
# 802.3 length; the IP fields untouched, the frame 2 or 6 bytes shorter);
# on SLL, the records are tcprewrite --dlt=enet --enet-dmac [--enet-smac]'s
# but where tcprewrite is wrong: 4.4 leaves two bytes of the cooked
# address field before the protocol (its frames are 2 bytes long and say
# type 0x0000). tcprewrite reads no SLL2. Ethernet input passes
# unchanged; records cut in the cooked header are dropped; bad MACs refused.
. "$(dirname "$0")/../lib.sh"
need tcprewrite tshark editcap
need_pktlua
t=$(tmp)
LAST_ERR=$t/err
US=02:00:00:00:00:01 PEER=02:00:00:00:00:02

linktype() { "$PKTLUA" -q -r "$1" -c 1 -e 'function packet (p, i) print(i.linktype) end'; }

# want IN [SMAC DMAC]: the Ethernet fields tshark must see, from its view of
# the cooked capture IN, one frame a line (frames without an Ethernet form
# left out): dst, src, type or 802.3 length, IP fields, frame length
want() {
  tshark -r "$1" -T fields -E occurrence=f -e sll.pkttype -e sll.halen \
    -e sll.src.eth -e sll.etype -e sll.ltype -e frame.len -e ip.dst \
    -e ip.src -e ip.len -e ip.checksum -e ipv6.src -e ipv6.dst -e ipv6.plen 2>/dev/null |
    awk -F'\t' -v OFS='\t' -v us=$US -v peer=$PEER -v smac="${2:-}" -v dmac="${3:-}" -v hl="$4" '
      { type = $4; len = ""
        if (type == "") {  # LLC, raw 802.3: a length; else no Ethernet form
          if ($5 != "0x0004" && $5 != "0x0001") next
          len = $6 - hl }
        src = $2 == 6 ? $3 : ($1 == 4 ? us : peer)
        dst = $1 == 0 ? us : $1 == 1 ? "ff:ff:ff:ff:ff:ff" : peer
        if ($1 == 2 && $7 != "") {
          split($7, a, "."); dst = sprintf("01:00:5e:%02x:%02x:%02x", a[2] % 128, a[3], a[4]) }
        if (smac != "") src = smac
        if (dmac != "") dst = dmac
        print dst, src, type, len, $7, $8, $9, $10, $11, $12, $13, $6 - hl + 14 }'
}
got() {
  tshark -r "$1" -T fields -E occurrence=f -e eth.dst -e eth.src -e eth.type \
    -e eth.len -e ip.dst -e ip.src -e ip.len -e ip.checksum -e ipv6.src \
    -e ipv6.dst -e ipv6.plen -e frame.len 2>/dev/null
}

# the cooked headers changed, by frame: packet types 1 (broadcast), 2
# (multicast, IPv4), 3 (to another host), no address (with 3 and 4), the
# protocol 802.2 LLC (4) and CAN (0x000c)
mutate() {
  "$PKTLUA" -q -r "$1" -w "$2" -e '
    local n = 0
    function packet (p, i)
      n = n + 1
      local sll = i.linktype == 113
      local ptype, alen, proto = sll and 2 or 11, sll and 6 or 12, sll and 15 or 1
      local ip4 = p:get(proto) == 8 and p:get(proto + 1) == 0
      local k = n % 7
      if k == 1 then p:set(ptype, 1)
      elseif k == 2 then p:set(ptype, ip4 and 2 or 3)
      elseif k == 3 then p:set(ptype, 3); p:set(alen, 0)
      elseif k == 4 then p:set(ptype, 4); p:set(alen, 0)
      elseif k == 5 then p:set(proto, 0, 4)
      elseif k == 6 then p:set(proto, 0, 12) end
    end'
}

n=0
for f in $(readable_captures); do
  name=$(basename "$f")
  lt=$(linktype "$f")
  if [ "$lt" = 1 ]; then
    run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/sll2eth.lua"
    check "$name (Ethernet): unchanged" cmp -s <(records "$f") <(records "$t/o.pcap")
    continue
  fi
  [ "$lt" = 113 ] || [ "$lt" = 276 ] || continue
  n=$((n + 1))
  hl=$([ "$lt" = 113 ] && echo 2 || echo 6)
  hl16=$([ "$lt" = 113 ] && echo 16 || echo 20)
  mutate "$f" "$t/m.pcap"
  for in in "$f" "$t/m.pcap"; do
    what=$name$([ "$in" = "$f" ] || echo ", changed headers")
    run_pktlua -r "$in" -w "$t/o.pcap" -f "$EXAMPLES/sll2eth.lua" ||
      bad "$what: failed: $(head -2 "$LAST_ERR")"
    check "$what: Ethernet out" test "$(linktype "$t/o.pcap" 2>/dev/null || echo 1)" = 1
    same "$what: tshark's Ethernet fields" <(want "$in" "" "" $hl16) <(got "$t/o.pcap")
    run_pktlua -r "$in" -w "$t/o2.pcap" -f "$EXAMPLES/sll2eth.lua" -a us=0a:00:00:00:00:0a \
      -a peer=0a:00:00:00:00:0b -a smac=66:77:88:99:aa:bb
    same "$what: us=, peer=, smac=" <(US=0a:00:00:00:00:0a PEER=0a:00:00:00:00:0b want "$in" 66:77:88:99:aa:bb "" $hl16) <(got "$t/o2.pcap")
  done
  [ "$lt" = 113 ] || continue
  # SLL: tcprewrite's records, its two stray bytes out; but for headers
  # without a MAC, where tcprewrite writes the cooked header's first bytes
  tshark -r "$f" -T fields -e sll.hatype -e sll.halen 2>/dev/null |
    awk '$1 != 1 || $2 != 6 { print NR }' >"$t/nomac"
  for sm in "" 66:77:88:99:aa:bb; do
    run_pktlua -r "$f" -w "$t/o.pcap" -f "$EXAMPLES/sll2eth.lua" -a dmac=00:11:22:33:44:55 \
      ${sm:+-a smac=$sm}
    tcprewrite --dlt=enet --enet-dmac=00:11:22:33:44:55 ${sm:+--enet-smac=$sm} \
      -i "$f" -o "$t/tr.pcap" 2>/dev/null || die "tcprewrite failed on $name"
    records "$t/tr.pcap" "$t/nomac" | awk -F'\t' -v OFS='\t' \
      'substr($3, 25, 4) == "0000" { $2 -= 2; $3 = substr($3, 1, 24) substr($3, 29) } 1' >"$t/tr.r"
    same "$name${sm:+ smac}: tcprewrite --dlt=enet's records" "$t/tr.r" <(records "$t/o.pcap" "$t/nomac")
  done
done
check "cooked captures converted: $n" test "$n" -gt 0
[ "$CORPUS" = shared ] && finish

# records cut inside the cooked header: dropped, and said so
editcap -s 12 "$CAPS/sll2.pcap" "$t/cut.pcap" 2>/dev/null
run_pktlua -r "$t/cut.pcap" -w "$t/o.pcap" -f "$EXAMPLES/sll2eth.lua"
check "cut in the header: none written" test "$(count "$t/o.pcap")" = 0
check "cut in the header: counted" grep -q "sll2eth.lua: $(count "$t/cut.pcap") packets dropped" "$LAST_ERR"

for a in us=1:2:3 peer=00:11:22:33:44:zz smac=00:11:22:33:44:55:66; do
  run_pktlua -r "$CAP_SLL_NANO" -w "$t/bad.pcap" -f "$EXAMPLES/sll2eth.lua" -a $a
  check "-a $a: exit 2 with a message" test $? -eq 2 -a -n "$(grep 'sll2eth.lua: -a' "$LAST_ERR")"
done
finish
