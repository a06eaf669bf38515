#!/usr/bin/env bash
# Tunnels: pktlua.inner finds the packet inside IP in IP, GRE (IP, MPLS,
# Ethernet), VXLAN, Geneve and GTP-U, and tunnels in tunnels, as tshark
# decodes them (the tunnels' names, the innermost source address and
# ports); lua/examples/tunnel.lua rewrites the innermost TTL / hop limit
# only, every checksum valid after (tshark). Over the shared captures:
# tunnel.lua changes nothing in packets without a tunnel.
. "$(dirname "$0")/../lib.sh"
need tshark
need_pktlua
TMP=$(tmp)
LAST_ERR=$TMP/err

if [ "$CORPUS" = shared ]; then
  for f in $(readable_captures); do
    name=$(basename "$f")
    run_pktlua -r "$f" -w "$TMP/out.pcap" -f "$EXAMPLES/tunnel.lua" -a quiet=1 ||
      { bad "$name: tunnel.lua failed: $(cat "$LAST_ERR")"; continue; }
    check "$name: no tunnel, no change" cmp -s <(dump "$f") <(dump "$TMP/out.pcap")
  done
  finish
fi

CAP=$CAPS/tunnels.pcap
# the script's view: tunnels (outer first), innermost source, its ports
"$PKTLUA" -q -r "$CAP" -a addr="$(dirname "$0")/addr.lua" -e '
  local pktlua = require "pktlua"
  local function u16 (p, at) return p:get(at) << 8 | p:get(at + 1) end
  local addr = dofile(arg.addr)
  function packet (p, i)
    local at, l4, proto, kinds = i.l3, i.l4, i.proto, {}
    while true do
      local l3in, l4in, protoin, kind = pktlua.inner(p, at)
      if not l3in then break end
      kinds[#kinds + 1] = kind
      at, l4, proto = l3in, l4in, protoin
    end
    print(table.concat(kinds, ","), addr(p, at),
          (proto == 6 or proto == 17) and u16(p, l4) .. " " .. u16(p, l4 + 2) or "-")
  end' >"$TMP/lua.txt" 2>"$TMP/err"
check "pktlua.inner runs over tunnels.pcap: $(head -3 "$TMP/err")" test ! -s "$TMP/err"

# tshark's view: the tunnels from frame.protocols, the last IP header's
# source, the last ports
tshark -r "$CAP" -n -o ip.defragment:FALSE -T fields -E occurrence=a \
    -e frame.protocols -e ip.src -e ipv6.src -e tcp.srcport -e tcp.dstport \
    -e udp.srcport -e udp.dstport 2>/dev/null |
  awk -F'\t' -v OFS='\t' '
    function last (s,   a, n) { n = split(s, a, ","); return a[n] }
    { n = split($1, p, ":"); kinds = ""; ipseen = 0; lastip = ""
      for (i = 1; i <= n; i++) {
        k = ""
        if (p[i] == "ip" || p[i] == "ipv6") {
          if (ipseen && (p[i - 1] == "ip" || p[i - 1] == "ipv6")) k = "ip"
          ipseen = 1; lastip = p[i]
        } else if (p[i] == "gre" || p[i] == "vxlan" || p[i] == "geneve") k = p[i]
        else if (p[i] == "gtp") k = "gtpu"
        if (k != "") kinds = kinds (kinds == "" ? "" : ",") k
      }
      src = lastip == "ip" ? last($2) : last($3)
      ports = $4 != "" ? last($4) " " last($5) : last($6) " " last($7)
      print kinds, src, ports }' >"$TMP/ts.txt"
same "tunnels.pcap: tunnels, innermost source and ports = tshark's" "$TMP/ts.txt" "$TMP/lua.txt"
check "tunnels.pcap: every packet a tunnel" test "$(grep -c $'^\t' "$TMP/lua.txt")" -eq 0

# tunnel.lua: the innermost TTL one less, the outer ones as they were
run_pktlua -r "$CAP" -w "$TMP/out.pcap" -f "$EXAMPLES/tunnel.lua" -a quiet=1 ||
  bad "tunnel.lua failed: $(cat "$LAST_ERR")"
# per frame: the innermost TTL / hop limit (the last of the last IP
# header's kind in frame.protocols), then all the others
ttls () {
  tshark -r "$1" -n -T fields -E occurrence=a -e frame.protocols -e ip.ttl \
      -e ipv6.hlim 2>/dev/null |
    awk -F'\t' -v OFS='\t' '
      { n = split($1, p, ":"); v = ""
        for (i = 1; i <= n; i++) if (p[i] == "ip" || p[i] == "ipv6") v = p[i]
        n4 = split($2, a, ","); n6 = split($3, b, ",")
        if (v == "ip") { inner = a[n4]; n4-- } else { inner = b[n6]; n6-- }
        rest = ""
        for (i = 1; i <= n4; i++) rest = rest " " a[i]
        for (i = 1; i <= n6; i++) rest = rest " " b[i]
        print inner, rest }'
}
ttls "$CAP" | awk -F'\t' -v OFS='\t' '{ print $1 - 1, $2 }' >"$TMP/want.txt"
ttls "$TMP/out.pcap" >"$TMP/got.txt"
same "tunnel.lua: the innermost TTL one less, the outer ones kept" \
  "$TMP/want.txt" "$TMP/got.txt"
# every checksum tshark checks is good before and after (status 1: good,
# 2: not checked, such as a UDP checksum 0)
sums () {
  tshark -r "$1" -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
      -o tcp.check_checksum:TRUE -T fields -E occurrence=a \
      -e ip.checksum.status -e udp.checksum.status -e tcp.checksum.status 2>/dev/null
}
sums "$CAP" >"$TMP/sums.in"
sums "$TMP/out.pcap" >"$TMP/sums.out"
check "tunnels.pcap: every checksum good" test "$(grep -c '0' "$TMP/sums.in")" -eq 0
same "tunnel.lua: checksum statuses unchanged (all good)" "$TMP/sums.in" "$TMP/sums.out"
finish
