#!/usr/bin/env bash
# anonymize.lua: over every capture with IPv4, the address pairs (before,
# after) that tshark decodes form a one-to-one, prefix-preserving mapping
# (two addresses sharing exactly k leading bits map to addresses sharing
# exactly k); checksum statuses unchanged (tshark, tcpdump -vv); the same key
# gives the same mapping, another key another one.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark lua5.4 mergecap
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# pairs IN OUT: "before after" for every occurrence of every IPv4, IPv6
# and ARP address field (those of the header an ICMP error quotes too); not
# of frames with a tunnel (a second IP header not quoted by ICMP, ARP
# behind IP, an Ethernet frame inside, as in an MPLS pseudowire):
# anonymize.lua leaves the inner packet alone
pairs() {
  local f
  for f in "$1" "$2"; do
    tshark -r "$f" -n -T fields -E occurrence=a -E aggregator=' ' \
      -e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
      -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 2>/dev/null >"$f.addrs"
  done
  paste "$1.addrs" "$2.addrs" | awk -F'\t' '
    function tunnel(p,   n, l, i, ips) {
      n = split(p, l, ":"); ips = 0
      for (i = 1; i <= n; i++) {
        if (l[i] == "arp" && ips || l[i] == "eth" && i > 1) return 1
        if (l[i] == "ip" || l[i] == "ipv6") if (ips++ && l[i - 1] !~ /^icmp/) return 1
      }
      return 0
    }
    $1 == $8 && !tunnel($1) {
      for (i = 2; i <= 7; i++) {
        n = split($i, a, " "); m = split($(i + 7), b, " ")
        if (n == m) for (k = 1; k <= n; k++) print a[k], b[k]
        else print "count-mismatch-" NR, "x"
      } }' | sort -u
}
# checks the mapping in a pairs file; prints what is wrong, nothing if right
property() {
  lua5.4 - "$1" <<'LUA'
-- an address as a string of bits: 32 for IPv4, 128 for IPv6
local function bitsof(s)
  local t = {}
  local a, b, c, d = s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if a then
    for _, v in ipairs{tonumber(a), tonumber(b), tonumber(c), tonumber(d)} do
      for i = 7, 0, -1 do t[#t + 1] = (v >> i) & 1 end
    end
    return table.concat(t)
  end
  local head, tail = s:match("^(.-)::(.*)$")
  local g = {}
  local function add(x) for h in x:gmatch("[^:]+") do g[#g + 1] = tonumber(h, 16) end end
  if head then
    add(head); local n = #g; local rest = {}
    for h in tail:gmatch("[^:]+") do rest[#rest + 1] = tonumber(h, 16) end
    for _ = 1, 8 - n - #rest do g[#g + 1] = 0 end
    for _, v in ipairs(rest) do g[#g + 1] = v end
  else add(s) end
  if #g ~= 8 then error("bad address " .. s) end
  for _, v in ipairs(g) do for i = 15, 0, -1 do t[#t + 1] = (v >> i) & 1 end end
  return table.concat(t)
end
local num = bitsof
local function common(x, y)  -- leading bits x and y share (-1: other families)
  if #x ~= #y then return -1 end
  local k = 0
  while k < #x and x:byte(k + 1) == y:byte(k + 1) do k = k + 1 end
  return k
end
local map, back, list = {}, {}, {}
for line in io.lines(arg[1]) do
  if line:find("count-mismatch", 1, true) then print(line) os.exit(0) end
  local a, b = line:match("^(%S+) (%S+)$")
  local x, y = num(a), num(b)
  if map[x] and map[x] ~= y then print("not a function at " .. a) os.exit(0) end
  if back[y] and back[y] ~= x then print("not one-to-one at " .. b) os.exit(0) end
  if not map[x] then list[#list + 1] = x end
  map[x], back[y] = y, x
end
local same = 0
for i = 1, #list do
  if map[list[i]] == list[i] then same = same + 1 end
  for j = i + 1, #list do
    local x, y = list[i], list[j]
    local k, k2 = common(x, y), common(map[x], map[y])
    if k ~= k2 then
      print(string.format("prefix of %s/%s: %d bits before, %d after", x, y, k, k2))
      os.exit(0)
    end
  end
end
-- a map that leaves addresses alone would pass the above: it must not
if #list > 3 and same > #list // 8 then print(same .. " of " .. #list .. " addresses unchanged") end
io.stderr:write(#list, " addresses\n")
LUA
}

# every capture with one key: one mapping over them all. The outputs and
# the inputs are merged (mergecap -a) for one tshark pass each.
files=() outs=() i=0
rm -rf "$t/o"; mkdir "$t/o"
for f in $(captures); do
  name=$(basename "$f")
  i=$((i + 1)); o=$t/o/$(printf '%04d' $i).pcap
  if ! run_pktlua -r "$f" -w "$o" -f "$EXAMPLES/anonymize.lua" -a key=test-key; then
    bad "$name: anonymize.lua failed: $(cat "$LAST_ERR")"; continue
  fi
  same "$name: tcpdump -vv: same bad checksums" <(bad_cksums "$f") <(bad_cksums "$o")
  files+=("$f"); outs+=("$o")
done
mergecap -a -w "$t/in.pcapng" "${files[@]}" && mergecap -a -w "$t/out.pcapng" "${outs[@]}" \
  || die "mergecap failed"
pairs "$t/in.pcapng" "$t/out.pcapng" >"$t/pairs"
n=$(wc -l <"$t/pairs")
check "address pairs to check ($n)" [ "$n" -gt 50 ]
wrong=$(property "$t/pairs" 2>/dev/null)
check "all captures: one-to-one, prefix-preserving mapping $wrong" [ -z "$wrong" ]
cksum_statuses "$t/in.pcapng" >"$t/sin"; cksum_statuses "$t/out.pcapng" >"$t/sout"
same "all captures: checksum statuses unchanged" "$t/sin" "$t/sout"
check "good checksums verified" [ "$(tr '\t' '\n' <"$t/sout" | grep -cx 1)" -gt 15000 ]
# and addresses did change: the same pairs file, as a 'before after' list
check "addresses changed" [ "$(awk '$1 != $2' "$t/pairs" | wc -l)" -gt $((n * 9 / 10)) ]

check "IPv6 pairs among them ($(grep -c : "$t/pairs"))" [ "$(grep -c : "$t/pairs")" -ge 4 ]

# the quoted header of an ICMP port unreachable (eth-mixed, IPv4) and an
# ICMPv6 one (ipv6-errors): its source is the outer destination, anonymised
# alike; ARP addresses anonymised
if [ -f "$GENERATED/ipv6-errors.pcap" ]; then
  for c in "eth-mixed icmp.type==3 ip" "ipv6-errors icmpv6.type==1 ipv6"; do
    set -- $c
    run_pktlua -r "$GENERATED/$1.pcap" -w "$t/q.pcap" -f "$EXAMPLES/anonymize.lua" -a key=q || bad "$1 run"
    q() { tshark -r "$1" -n -Y "$2" -T fields -E occurrence=a -E aggregator=' ' -e "$3.dst" -e "$3.src" 2>/dev/null; }
    read -r od _ < <(q "$t/q.pcap" "$2" "$3" | cut -f1)
    read -r _ qs < <(q "$t/q.pcap" "$2" "$3" | cut -f2)
    read -r id _ < <(q "$GENERATED/$1.pcap" "$2" "$3" | cut -f1)
    check "$1: quoted source $qs = outer destination $od, not $id" [ -n "$qs" ] && [ "$qs" = "$od" ] && [ "$od" != "$id" ]
  done
  a_in=$(tshark -r "$GENERATED/eth-mixed.pcap" -n -Y arp -T fields -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 2>/dev/null)
  run_pktlua -r "$GENERATED/eth-mixed.pcap" -w "$t/q.pcap" -f "$EXAMPLES/anonymize.lua" -a key=q
  a_out=$(tshark -r "$t/q.pcap" -n -Y arp -T fields -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 2>/dev/null)
  check "ARP addresses anonymised ($a_in -> $a_out)" [ -n "$a_out" ] && [ "$(wc -l <<<"$a_out")" -eq 2 ] && [ "$a_in" != "$a_out" ]
  check "summary counts 2 ARP, 1 quoted ($(cat "$LAST_ERR"))" grep -q ' 2 ARP, 1 quoted' "$LAST_ERR"
fi

# captures/ with another key, taken together: one consistent mapping
: >"$t/all"
for d in ipv4 vlan nano; do
  run_pktlua -r "$CAPTURES/$d.pcap" -w "$t/$d.pcap" -f "$EXAMPLES/anonymize.lua" -a key=k1 || bad "$d run"
done
mergecap -a -w "$t/own-in.pcapng" "$CAPTURES/ipv4.pcap" "$CAPTURES/vlan.pcap" "$CAPTURES/nano.pcap"
mergecap -a -w "$t/own-out.pcapng" "$t/ipv4.pcap" "$t/vlan.pcap" "$t/nano.pcap"
pairs "$t/own-in.pcapng" "$t/own-out.pcapng" >"$t/all"
wrong=$(property "$t/all" 2>/dev/null)
check "captures/ together: one consistent mapping $wrong" [ -z "$wrong" ]
# another key, another mapping; the same key, the same bytes
run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/k2.pcap" -f "$EXAMPLES/anonymize.lua" -a key=k2 || bad "k2 run"
run_pktlua -r "$CAPTURES/ipv4.pcap" -w "$t/k1.pcap" -f "$EXAMPLES/anonymize.lua" -a key=k1 || bad "k1 run"
check "same key, same output" cmp -s "$t/k1.pcap" "$t/ipv4.pcap"
check "another key, other addresses" bash -c "! cmp -s '$t/k1.pcap' '$t/k2.pcap'"
finish
