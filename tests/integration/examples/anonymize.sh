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

statuses() {
  TSHARK_DEFRAG=1 tshark_fields "$1" ip.checksum.status tcp.checksum.status \
    udp.checksum.status icmp.checksum.status
}

# pairs IN OUT: "before after" for the outer IPv4 source and destination
pairs() {
  paste <(ip_frames "$1") <(ip_frames "$2") |
    awk -F'\t' '$2 == 4 && $9 == 4 { print $5, $12; print $6, $13 }' | sort -u
}

# checks the mapping in a pairs file; prints what is wrong, nothing if right
property() {
  lua5.4 - "$1" <<'LUA'
local function num(s)
  local a, b, c, d = s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  return ((tonumber(a) * 256 + b) * 256 + c) * 256 + d
end
local function common(x, y)  -- leading bits x and y share
  local k = 0
  while k < 32 and (x >> (31 - k)) & 1 == (y >> (31 - k)) & 1 do k = k + 1 end
  return k
end
local map, back, list = {}, {}, {}
for line in io.lines(arg[1]) do
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
      print(string.format("prefix of %08x/%08x: %d bits before, %d after", x, y, k, k2))
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
statuses "$t/in.pcapng" >"$t/sin"; statuses "$t/out.pcapng" >"$t/sout"
same "all captures: checksum statuses unchanged" "$t/sin" "$t/sout"
check "good checksums verified" [ "$(tr '\t' '\n' <"$t/sout" | grep -cx 1)" -gt 15000 ]
# and addresses did change: the same pairs file, as a 'before after' list
check "addresses changed" [ "$(awk '$1 != $2' "$t/pairs" | wc -l)" -gt $((n * 9 / 10)) ]

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
