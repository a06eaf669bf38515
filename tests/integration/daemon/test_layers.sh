#!/usr/bin/env bash
# The layers a script finds through info: l3 behind every link layer the
# finder knows (Ethernet with VLAN tags, PPPoE, MPLS; PPP, Cisco HDLC, SLL,
# NULL/LOOP, raw IP), l4/proto/fragment (and pktlua.l4) behind IPv4
# options and IPv6 extension headers, checked frame by frame against what
# tshark decodes:
# the source address at l3, the ports (TCP, UDP) or type (ICMP, ICMPv6) at
# l4, and the fragment state.
. "$(dirname "$0")/../lib.sh"
need tshark
need_pktlua
TMP=$(tmp)
ADDR=$(dirname "$0")/addr.lua

# the script's view: src, fragment, transport ("-" for none)
cat >"$TMP/view.lua" <<'LUA'
local srcaddr = dofile(arg.addr)
local function u16 (p, at) return p:get(at) << 8 | p:get(at + 1) end
local pktlua = require "pktlua"
function packet (p, i)
  local l3, v, caplen = i.l3, i.ipversion, i.caplen
  local src, t = "-", "-"
  if v == 4 and caplen >= l3 + 19 or v == 6 and caplen >= l3 + 39 then
    src = srcaddr(p, l3)
  end
  local l4, proto, frag = i.l4, i.proto, i.fragment
  -- the module's walk from any IP header is info's from l3
  local l4m, protom, fragm = pktlua.l4(p, i)
  assert(l4m == l4 and protom == proto and fragm == frag, "pktlua.l4 differs")
  assert(select("#", pktlua.l4(p, l3)) == 3 and pktlua.l4(p, l3) == l4)
  assert((l4 == nil) or (proto ~= nil), "l4 without proto")
  assert(l4 == nil or (l4 > l3 and l4 <= caplen), "l4 out of the packet")
  assert((frag == nil) == (l3 == nil or src == "-" and frag == nil),
         "fragment without an IP header")
  if l4 and (proto == 6 or proto == 17) and caplen >= l4 + 3 then
    t = proto .. " " .. u16(p, l4) .. " " .. u16(p, l4 + 2)
  elseif l4 and (proto == 1 or proto == 58) then
    t = proto .. " " .. p:get(l4)
  end
  -- tshark decodes no IPv6 first fragment without reassembly
  if v == 6 and frag == "first" then t = "-" end
  print(src, frag or "-", t)
end
LUA

# tshark's view, the same columns
tsview () {
  tshark_fields "$1" frame.protocols ip.src ipv6.src ip.flags.mf \
      ip.frag_offset ipv6.fraghdr.offset ipv6.fraghdr.more tcp.srcport \
      tcp.dstport udp.srcport udp.dstport icmp.type icmpv6.type |
    awk -F'\t' -v OFS='\t' -v link="$IP_LINK_RE" '
      { v = match($1, "^" link "ipv6(:|$)") ? 6 : match($1, "^" link "ip(:|$)") ? 4 : 0
        src = v == 4 ? $2 : v == 6 ? $3 : ""
        if (src == "") { print "-", "-", "-"; next }
        f = "none"
        if (v == 4 && $5 != "" && $5 > 0 || v == 6 && $6 != "" && $6 > 0) f = "later"
        else if (v == 4 && $4 == 1 || v == 6 && $7 == 1) f = "first"
        t = "-"
        if (f == "later" || v == 6 && f == "first") t = "-"
        else if ($12 != "") t = "1 " $12
        else if ($13 != "") t = "58 " $13
        else if ($8 != "") t = "6 " $8 " " $9
        else if ($10 != "") t = "17 " $10 " " $11
        print src, f, t }'
}

files=()
if [ "$CORPUS" = generated ]; then
  for f in ppp chdlc pppoe mpls ipv6-ext eth-mixed vlan qinq sll-nano sll2 \
           null loop raw linktype-ipv6 ipv4-options ipv4-fragments \
           snaplen68 ip-cut snaplen1; do
    files+=("$CAPS/$f.pcap")
  done
else
  while read -r f; do files+=("$f"); done < <(readable_captures)
fi
for f in "${files[@]}"; do
  name=$(basename "$f")
  if ! "$PKTLUA" -q -r "$f" -f "$TMP/view.lua" -a addr="$ADDR" >"$TMP/lua.txt" 2>"$TMP/err"; then
    bad "$name: the script failed: $(head -3 "$TMP/err")"
    continue
  fi
  tsview "$f" >"$TMP/ts.txt"
  same "$name: l3 source, fragment, l4 ports/type = tshark's" "$TMP/ts.txt" "$TMP/lua.txt"
done

# l4, proto and fragment are read-only, and nothing after the last packet
"$PKTLUA" -q -r "$CAP_MIXED" -c 1 -e '
  function packet(p, i)
    for _, k in ipairs{"l4", "proto", "fragment"} do
      local ok, err = pcall(function () i[k] = 1 end)
      assert(not ok and err:find("read%-only"), k .. " written")
    end
    last = i
  end
  function finish() print(last.l4, last.proto, last.fragment) end' >"$TMP/ro.txt" 2>&1
check "l4/proto/fragment read-only, nil after the last packet" \
  test "$(cat "$TMP/ro.txt")" = "$(printf 'nil\tnil\tnil')"

finish
