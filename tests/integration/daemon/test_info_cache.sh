#!/usr/bin/env bash
# info's fields stay right from packet to packet while the daemon keeps
# some of them in tables and stores only what changed (script_info.c):
# packets of different kinds in turn (IPv4, IPv6 with extension headers,
# fragments, non-IP, cut short, other link types), every field read on
# every packet and compared with a run over that packet alone (where
# nothing is kept from an earlier one); the script's own writes gone at
# the next packet; the read-only fields refused on every packet; the
# fields after an edit, where l4 was cached before.
. "$(dirname "$0")/../lib.sh"
need editcap
need mergecap
need_pktlua
TMP=$(tmp)

# up to 5 packets of each capture, dealt round-robin into one pcapng file
files=("$CAP_MIXED" "$CAP_SLL_NANO" "$CAP_RAW_IPV4" "$CAP_IP_BADSUM" "$CAP_LONG")
for f in ipv6-ext.pcap ipv4-fragments.pcap ip-cut.pcap snaplen68.pcap \
         snaplen1.pcap tunnels.pcap null.pcap sll2.pcap mpls.pcap \
         zeek-linux-sll2.pcap zeek-http-qinq.pcap zeek-trunc-hdr.pcap \
         tcpdump-ikev2-null.pcap; do  # the generated corpus's, the shared
  [ -f "$CAPS/$f" ] && files+=("$CAPS/$f")
done
n=0
for f in "${files[@]}"; do
  n=$((n + 1))
  editcap -F pcapng -r "$f" "$TMP/head.pcapng" 1-5 2>/dev/null ||
    die "editcap $f"
  editcap -F pcapng -c 1 "$TMP/head.pcapng" "$TMP/f$n.pcapng" 2>/dev/null
done
order=()
for i in 0 1 2 3 4; do
  for k in $(seq "$n"); do
    p=$(ls "$TMP"/f"$k"_0000"$i"_*.pcapng 2>/dev/null | head -1)
    [ -n "$p" ] && order+=("$p")
  done
done
mergecap -F pcapng -a -w "$TMP/mix.pcapng" "${order[@]}" || die "mergecap"
check "the mix has packets of several captures in turn" [ "${#order[@]}" -ge 20 ]

# every field, read twice, in an order that changes from packet to packet
# (so that a cached field is sometimes read first, sometimes last)
cat >"$TMP/view.lua" <<'LUA'
local names = {"len", "caplen", "sec", "nsec", "linktype", "l3",
               "ipversion", "l4", "proto", "fragment", "flow", "loop"}
local n = 0
function packet (p, i)
  n = n + 1
  local out = {}
  for k = 1, #names do
    local j = (k + n) % #names + 1  -- a rotating order
    out[j] = names[j] .. "=" .. tostring(i[names[j]])
  end
  for j = 1, #names do
    assert(tostring(i[names[j]]) == out[j]:match("=(.*)"), names[j] .. " moved")
  end
  assert(i.caplen == #p, "caplen ~= #pkt")
  print(table.concat(out, " "))
  if arg.write and n % 3 == 0 then  -- the next packet must not see these
    i.caplen, i.l3, i.ipversion = -1, 12345, "x"
    assert(i.caplen == -1 and i.l3 == 12345 and i.ipversion == "x")
  end
  for _, k in ipairs{"l4", "proto", "fragment", "linktype"} do
    assert(not pcall(function () i[k] = 1 end), k .. " written")
    assert(tostring(i[k]) == out[k == "l4" and 8 or k == "proto" and 9 or
                              k == "fragment" and 10 or 5]:match("=(.*)"))
  end
end
LUA

"$PKTLUA" -q -r "$TMP/mix.pcapng" -f "$TMP/view.lua" >"$TMP/all.txt" 2>"$TMP/err" ||
  bad "the whole mix: $(head -3 "$TMP/err")"
"$PKTLUA" -q -r "$TMP/mix.pcapng" -f "$TMP/view.lua" -a write=1 \
  >"$TMP/written.txt" 2>"$TMP/err" || bad "with writes: $(head -3 "$TMP/err")"
: >"$TMP/alone.txt"
for p in "${order[@]}"; do
  "$PKTLUA" -q -r "$p" -f "$TMP/view.lua" >>"$TMP/alone.txt" 2>>"$TMP/err" ||
    bad "alone $p"
done
check "every packet counted" [ "$(wc -l <"$TMP/all.txt")" -eq "${#order[@]}" ]
same "every field of every packet = its value when the packet is alone" \
  "$TMP/alone.txt" "$TMP/all.txt"
same "a script's writes to caplen, l3, ipversion last one packet" \
  "$TMP/alone.txt" "$TMP/written.txt"
[ "$CORPUS" = generated ] &&
check "the mix has IPv4, IPv6, non-IP, later fragments and other link types" \
  bash -c "grep -q 'ipversion=4' '$TMP/all.txt' && grep -q 'ipversion=6' '$TMP/all.txt' &&
           grep -q 'l3=nil' '$TMP/all.txt' && grep -q 'fragment=later' '$TMP/all.txt' &&
           [ \$(grep -o 'linktype=[0-9]*' '$TMP/all.txt' | sort -u | wc -l) -ge 2 ]"

# after an edit: l3, caplen, len, ipversion and l4/proto/fragment (cached
# from the first packet on) tell the bytes as they are now; the next
# packet its own again
"$PKTLUA" -q -r "$TMP/mix.pcapng" -e '
  local pktlua = require "pktlua"
  local n = 0
  function packet (p, i)
    n = n + 1
    local l3, l4, proto, len = i.l3, i.l4, i.proto, i.len
    local l4m, protom, fragm = pktlua.l4(p, i)
    assert(l4 == l4m and proto == protom and i.fragment == fragm, "cached l4")
    if n % 2 == 0 and i.linktype == 1 and l3 == 15 then
      pktlua.insert(p, 13, 4, "\x81\x00\x00\x64")  -- a VLAN tag
      assert(i.l3 == 19 and i.caplen == #p and i.len == len + 4, "l3 after")
      assert(i.ipversion == p:get(19) >> 4, "ipversion after")
      local a, b, c = pktlua.l4(p, 19)
      assert(i.l4 == a and i.proto == b and i.fragment == c, "l4 after")
      assert(l4 == nil or i.l4 == l4 + 4, "l4 moved")
      pktlua.remove(p, 1, #p)
      assert(i.l3 == nil and i.caplen == 0 and i.ipversion == false, "emptied")
      assert(i.l4 == nil and i.proto == nil and i.fragment == nil, "l4 emptied")
      print("edited")
    end
  end' >"$TMP/edit.txt" 2>"$TMP/err" || bad "edits: $(head -3 "$TMP/err")"
check "packets edited, their fields checked" grep -q edited "$TMP/edit.txt"
finish
