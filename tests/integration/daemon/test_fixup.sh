#!/usr/bin/env bash
# pktlua.fixup: after packets grew or shrank, every IP, UDP, PPPoE and
# GTP-U length and every IPv4, TCP, UDP, ICMP, ICMPv6 checksum is right,
# outer and inner, as tshark and tcpdump -vv see them (no bad checksum, no
# length warning) through Ethernet, VLAN and QinQ tags, MPLS, PPPoE,
# SLL/SLL2 and raw IP, with IPv4 options and IPv6 extension headers;
# Ethernet padding is not counted into IP lengths; a checksum over bytes
# never captured is updated for the lengths (RFC 1624) to what the whole
# packet would have; bad checksums stay bad when fixup is not called.
. "$(dirname "$0")/../lib.sh"
need tshark tcpdump
need_pktlua
TMP=$(tmp)
LAST_ERR=$TMP/err

# frame numbers and tshark's complaints about checksums and lengths
complaints() {
  tshark -r "$1" -n -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
      -o udp.check_checksum:TRUE -o ip.defragment:FALSE \
      -o tcp.desegment_tcp_streams:FALSE -o ipv6.defragment:FALSE \
      -T fields -e frame.number -e _ws.expert.message 2>/dev/null |
    awk -F'\t' '{ n = split($2, m, ","); for (i = 1; i <= n; i++) print $1 "\t" m[i] }' |
    grep -iE 'checksum|length|bogus|malformed' | sort
}
# tcpdump's complaints: bad checksums, cut IP packets
tcpdump_complaints() {
  tcpdump -# -nn -vv -r "$1" 2>/dev/null | awk '
    /^ *[0-9]+  / { n = $1 }
    /bad cksum|bad udp cksum|incorrect ->|wrong icmp cksum|bad icmp6 cksum|truncated-ip|bad len/ { if (!seen[n]++) print n }'
}

# the transport payload of TCP/UDP/ICMP echo packets grows by 7 bytes (at
# the end, the innermost packet's end), or shrinks by 3, then fixup
grow='
  local pktlua = require "pktlua"
  local delta = tonumber(arg.delta)
  function packet (pkt, info)
    local at, proto = info.l3, info.proto
    while at do  -- the innermost packet
      local l3in, _, protoin = pktlua.inner(pkt, at)
      if not l3in then break end
      at, proto = l3in, protoin
    end
    if not (proto == 6 or proto == 17 or proto == 1 or proto == 58) then return end
    if info.fragment ~= "none" or info.caplen < info.len then return end
    if delta > 0 then pktlua.insert(pkt, #pkt + 1, delta, "grow")
    elseif proto == 6 and #pkt > 80 then  -- TCP: any payload is whole
      pktlua.remove(pkt, #pkt + delta + 1, -delta)
    else return end
    assert(pktlua.fixup(pkt, info) >= 1)
  end'
files="vlan qinq mpls pppoe sll-nano sll2 raw linktype-ipv4 linktype-ipv6 ipv4-options ipv6-ext tunnels tcp-long ipv6-errors"
[ "$CORPUS" = shared ] && files=
# (cuts, TCP only, on the captures with TCP through each kind of layer:
# the suite must stay within its time on a loaded machine)
shrink=" vlan qinq mpls pppoe sll-nano ipv4-options ipv6-ext tcp-long "
for f in $files; do
  # what tshark said of the input may stay (a malformed DNS name), no more
  complaints "$CAPS/$f.pcap" >"$TMP/before"
  for delta in 7 -3; do
    [ $delta -lt 0 ] && [ "${shrink/ $f /}" = "$shrink" ] && continue
    run_pktlua -r "$CAPS/$f.pcap" -w "$TMP/$f.pcap" -a delta=$delta -e "$grow"
    check "$f $delta: runs: $(head -2 "$LAST_ERR")" test ! -s "$LAST_ERR"
    complaints "$TMP/$f.pcap" >"$TMP/after"
    check "$f $delta: tshark finds no bad length or checksum: $(comm -13 "$TMP/before" "$TMP/after" | head -3)" \
      test -z "$(comm -13 "$TMP/before" "$TMP/after")"
    check "$f $delta: tcpdump -vv finds none" test -z "$(tcpdump_complaints "$TMP/$f.pcap")"
    if [ $delta -gt 0 ] && cmp -s "$CAPS/$f.pcap" "$TMP/$f.pcap"; then
      bad "$f: the packets did change"
    else ok; fi
  done
done

# the shared captures: fixup after a VLAN tag is pushed leaves no more
# complaints than there were, minus the checksums it fixed
if [ "$CORPUS" = shared ]; then
  for f in $(readable_captures); do
    name=$(basename "$f")
    run_pktlua -r "$f" -w "$TMP/s.pcap" -e '
      local pktlua = require "pktlua"
      function packet (pkt, info) pktlua.fixup(pkt, info) end' ||
      { bad "$name: fixup failed: $(head -3 "$LAST_ERR")"; continue; }
    check "$name: no new complaints" test -z "$(comm -13 <(complaints "$f" | grep -v 'Bad checksum') <(complaints "$TMP/s.pcap"))"
  done
  finish
fi

# fixup alone repairs the corpus's deliberately bad checksums; a VLAN tag
# pushed without fixup leaves them bad, and the good ones good
CAP=$CAPS/eth-mixed.pcap
bad_before=$(bad_cksums "$CAP" | tr '\n' ' ')
check "eth-mixed has bad checksums to begin with" test -n "$bad_before"
run_pktlua -r "$CAP" -w "$TMP/fixed.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info) pktlua.fixup(pkt, info) end'
check "fixup repairs every checksum: $(bad_cksums "$TMP/fixed.pcap" | tr '\n' ' ')" \
  test -z "$(bad_cksums "$TMP/fixed.pcap")"
run_pktlua -r "$CAP" -w "$TMP/pushed.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info) pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x07") end'
check "without fixup, the bad checksums stay bad, the good ones good" \
  test "$(bad_cksums "$TMP/pushed.pcap" | tr '\n' ' ')" = "$bad_before"

# Ethernet padding is not IP: after a push and a pop with fixup, every IP
# length is what it was (eth-mixed has padded frames)
run_pktlua -r "$CAP" -w "$TMP/pad.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info)
    pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x07")
    pktlua.fixup(pkt, info)
    pktlua.remove(pkt, 13, 4)
    pktlua.fixup(pkt, info)
  end'
tshark -r "$CAP" -T fields -e frame.len -e ip.len -e ipv6.plen 2>/dev/null >"$TMP/lens.in"
tshark -r "$TMP/pad.pcap" -T fields -e frame.len -e ip.len -e ipv6.plen 2>/dev/null >"$TMP/lens.out"
same "padding: the IP lengths as they were" "$TMP/lens.in" "$TMP/lens.out"
check "eth-mixed has padded frames" test "$(awk '$1 == 60' "$TMP/lens.in" | wc -l)" -gt 0
# padding stripped (a cut from the end) then a tag pushed: the IP lengths
# as they were, and the frames end with their IP packets
run_pktlua -r "$CAP" -w "$TMP/strip.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info)
    if info.ipversion == 4 then
      pktlua.resize(pkt, info.l3 - 1 + (pkt:get(info.l3 + 2) << 8 | pkt:get(info.l3 + 3)))
    end
    pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x07")
    pktlua.fixup(pkt, info)
  end'
tshark -r "$TMP/strip.pcap" -T fields -e frame.len -e ip.len -e ipv6.plen 2>/dev/null >"$TMP/lens.strip"
same "padding stripped: the IP lengths as they were" <(cut -f2,3 "$TMP/lens.in") <(cut -f2,3 "$TMP/lens.strip")
check "padding stripped: the padded frames are shorter than 64 bytes now" \
  test -z "$(paste "$TMP/lens.in" "$TMP/lens.strip" | awk -F'\t' '$1 == 60 && $2 != "" && $4 >= 64')"

# a truncated capture: the TCP/UDP checksums over bytes never captured are
# updated for the length change to what the whole packet gets. 8 zero
# bytes after the transport header change no sum but the lengths'.
zeros='
  local pktlua = require "pktlua"
  local cut = tonumber(arg.cut)
  function packet (pkt, info)
    if info.proto ~= 6 and info.proto ~= 17 or not info.l4 then return end
    local hl = info.proto == 17 and 8 or (pkt:get(info.l4 + 12) >> 4) * 4
    if cut > 0 then  -- a capture cut at the transport header + 4 bytes
      local len = info.len
      pktlua.resize(pkt, math.min(#pkt, info.l4 + hl + 3))
      info.len = len
    end
    pktlua.insert(pkt, info.l4 + hl, 8)
    pktlua.fixup(pkt, info)
    local ck = info.proto == 17 and 6 or 16
    print(pkt:get(info.l4 + ck) << 8 | pkt:get(info.l4 + ck + 1), info.len - info.caplen)
  end'
for f in tcp-long udp-good-cksum dns; do
  run_pktlua -r "$CAPS/$f.pcap" -a cut=0 -e "$zeros" >"$TMP/whole.txt"
  run_pktlua -r "$CAPS/$f.pcap" -a cut=1 -e "$zeros" >"$TMP/cut.txt"
  same "$f: checksums of the cut packets = the whole ones'" <(cut -f1 "$TMP/whole.txt") <(cut -f1 "$TMP/cut.txt")
  check "$f: the packets were cut" test "$(cut -f2 "$TMP/cut.txt" | sort -nu | tail -1)" -gt 0
done

# an IPv4 option and an IPv6 destination options header inserted by the
# script (which sets IHL and the next headers); fixup does the lengths
run_pktlua -r "$CAPS/tcp-long.pcap" -w "$TMP/opt.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info)
    local l3 = info.l3
    pktlua.insert(pkt, l3 + 20, 4, "\1\1\1\0")  -- NOP NOP NOP EOL
    pkt:set(l3, pkt:get(l3) + 1)                -- IHL + 1
    pktlua.fixup(pkt, info)
  end'
check "IPv4 options inserted: tcpdump -vv clean" test -z "$(tcpdump_complaints "$TMP/opt.pcap")"
check "IPv4 options inserted: tshark clean" test -z "$(complaints "$TMP/opt.pcap")"
check "IPv4 options inserted: IHL 6" test "$(tshark -r "$TMP/opt.pcap" -T fields -e ip.hdr_len 2>/dev/null | sort -u)" = 24
run_pktlua -r "$CAPS/linktype-ipv6.pcap" -w "$TMP/ext.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info)
    local l3 = info.l3
    local nh = pkt:get(l3 + 6)
    pktlua.insert(pkt, l3 + 40, 8, string.char(nh, 0, 1, 4, 0, 0, 0, 0))  -- PadN
    pkt:set(l3 + 6, 60)  -- destination options
    pktlua.fixup(pkt, info)
  end'
check "IPv6 extension header inserted: tcpdump -vv clean" test -z "$(tcpdump_complaints "$TMP/ext.pcap")"
check "IPv6 extension header inserted: tshark clean" test -z "$(complaints "$TMP/ext.pcap")"
check "IPv6 extension header inserted: tshark sees it" \
  test "$(tshark -r "$TMP/ext.pcap" -T fields -e ipv6.dstopts.nxt 2>/dev/null | grep -c .)" -gt 0

finish
