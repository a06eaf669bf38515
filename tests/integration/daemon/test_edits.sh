#!/usr/bin/env bash
# Packets that change length: pktlua.insert, remove and resize at the
# start, in the middle and at the end, past the head- and tailroom,
# repeated; #pkt, info.caplen, info.len and info.l3 after them; the
# written records agree (read back, and by tshark); len - caplen kept on
# truncated captures; info.len written; pointers set on pkt stay valid.
# Over the shared captures: a push then a pop leaves every file as it was.
. "$(dirname "$0")/../lib.sh"
need tshark
need_pktlua
TMP=$(tmp)
LAST_ERR=$TMP/err

if [ "$CORPUS" = shared ]; then
  for f in $(readable_captures); do
    name=$(basename "$f")
    run_pktlua -r "$f" -w "$TMP/out.pcap" -e '
      local pktlua = require "pktlua"
      function packet(pkt)
        local n = #pkt
        pktlua.insert(pkt, math.min(13, n + 1), 300, "tag!")
        pktlua.remove(pkt, math.min(13, n + 1), 300)
      end' || { bad "$name: push and pop failed: $(head -3 "$LAST_ERR")"; continue; }
    check "$name: push then pop: as it was" cmp -s <(records "$f") <(records "$TMP/out.pcap")
  done
  finish
fi

CAP=$CAPS/eth-mixed.pcap
# every edit against a model in plain strings: the script checks its own
# view, prints the model, and the written file must read back the same
cat >"$TMP/edits.lua" <<'EOF'
local pktlua = require "pktlua"
local memory = require "memory"
local function hex (s)
  return (s:gsub(".", function (c) return string.format("%02x", c:byte()) end))
end
local n = 0
function packet (pkt, info)
  n = n + 1
  local s, uncaptured = tostring(pkt), info.len - info.caplen
  local k = n % 8
  if k == 0 then      -- start, middle, end
    pktlua.insert(pkt, 1, 3)
    pktlua.insert(pkt, 10, 2, 0xee)
    pktlua.insert(pkt, #pkt + 1, 5, "ab")
    s = "\0\0\0" .. s:sub(1, 6) .. "\xee\xee" .. s:sub(7) .. "ababa"
  elseif k == 1 then
    pktlua.remove(pkt, 1, 2)
    pktlua.remove(pkt, 5, 3)
    pktlua.remove(pkt, -4, 4)   -- negative: from the end
    s = s:sub(3, 6) .. s:sub(10, -5)
  elseif k == 2 then  -- past the headroom and the tailroom, twice
    pktlua.insert(pkt, 1, 700, memory.create("xyz"))
    pktlua.insert(pkt, #pkt + 1, 1000, 0x41)
    pktlua.insert(pkt, 2, 600)
    s = "x" .. ("\0"):rep(600) .. ("xyz"):rep(234):sub(2, 700) .. s ..
        ("A"):rep(1000)
  elseif k == 3 then  -- resize both ways
    pktlua.resize(pkt, 20)
    pktlua.resize(pkt, 30)
    s = s:sub(1, 20) .. ("\0"):rep(10)
  elseif k == 4 then  -- a fill taken from the packet itself
    pktlua.insert(pkt, 7, 6, pkt)
    s = s:sub(1, 6) .. s:sub(1, 6) .. s:sub(7)
  elseif k == 5 then  -- a VLAN tag pushed and popped, many times
    for i = 1, 50 do
      pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x0a")
      pktlua.remove(pkt, 13, 4)
    end
  elseif k == 6 then  -- nothing left, then something again
    pktlua.remove(pkt, 1, #pkt)
    assert(#pkt == 0 and info.l3 == nil)
    pktlua.insert(pkt, 1, 4, "abcd")
    s = "abcd"
  end
  assert(tostring(pkt) == s, "the packet's bytes, case " .. k)
  assert(#pkt == #s and info.caplen == #s, "caplen, case " .. k)
  assert(info.len == #s + uncaptured, "len - caplen kept, case " .. k)
  print(#s, #s + uncaptured, hex(s))
end
EOF
run_pktlua -r "$CAP" -w "$TMP/out.pcap" -f "$TMP/edits.lua" >"$TMP/model.txt"
check "edits: no error: $(head -3 "$LAST_ERR")" test ! -s "$LAST_ERR"
check "edits: every packet printed" test "$(wc -l <"$TMP/model.txt")" -eq "$(count "$CAP")"
same "edits: the written records are the edited packets" <(cut -f2- "$TMP/model.txt") <(records "$TMP/out.pcap" | cut -f2-)
# tshark's view of the lengths: frame.cap_len and frame.len
tshark -r "$TMP/out.pcap" -T fields -e frame.cap_len -e frame.len \
  >"$TMP/tshark.txt" 2>/dev/null
same "edits: tshark reads the same lengths" <(cut -f1,2 "$TMP/model.txt") "$TMP/tshark.txt"

# a truncated capture: what was never captured stays so
run_pktlua -r "$CAPS/snaplen68.pcap" -w "$TMP/trunc.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info) pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x05") end'
paste <(tshark -r "$CAPS/snaplen68.pcap" -T fields -e frame.cap_len -e frame.len 2>/dev/null) \
      <(tshark -r "$TMP/trunc.pcap" -T fields -e frame.cap_len -e frame.len 2>/dev/null) |
  awk '$3 != $1 + 4 || $4 != $2 + 4 { bad = 1 } END { exit bad }'
check "snaplen68: caplen and len both 4 more" test $? -eq 0

# info.len written: the length on the wire (pad what was never captured)
run_pktlua -r "$CAPS/snaplen68.pcap" -w "$TMP/pad.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt, info)
    pktlua.resize(pkt, info.len)
    info.len = #pkt
    assert(info.len == info.caplen)
  end'
paste <(tshark -r "$CAPS/snaplen68.pcap" -T fields -e frame.len 2>/dev/null) \
      <(tshark -r "$TMP/pad.pcap" -T fields -e frame.cap_len -e frame.len 2>/dev/null) |
  awk '$2 != $1 || $3 != $1 { bad = 1 } END { exit bad }'
check "info.len = #pkt after padding: caplen = len = the wire length" test $? -eq 0

# layout pointers set on pkt before an edit read the edited bytes after
run_pktlua -r "$CAPS/vlan.pcap" -e '
  local pktlua = require "pktlua"
  local layout = require "layout"
  local eth = layout.struct{ { key = "dst", type = "string", bytes = 6 },
    { key = "src", type = "string", bytes = 6 },
    { key = "type", type = "number", bytes = 2, endian = "big" } }
  local p = layout.newpointer(eth)
  function packet (pkt, info)
    layout.setpointer(p, pkt)
    assert(p.type == 0x8100)
    pktlua.remove(pkt, 13, 4)
    assert(p.type == 0x0800, "the pointer sees the popped frame")
    assert(info.l3 == 15 and info.ipversion == 4, "l3 found again")
    pktlua.insert(pkt, 1, 14)
    assert(p.type == 0, "and the pushed one")
  end'
check "pointers stay valid across edits: $(head -3 "$LAST_ERR")" test ! -s "$LAST_ERR"

# hostile edits: each one a clear error on its packet, which passes as it
# was (--on-error=pass: exit status 0, as for any script error); the run
# goes on to the end
nh=0
hostile() {
  local what=$1 code=$2 want=$3 out
  nh=$((nh + 1))
  out=$TMP/h$nh.pcap
  run_pktlua -r "$CAP" -w "$out" --on-error=pass -e "
    local pktlua = require 'pktlua'
    function packet (pkt, info) $code end"
  local rc=$?
  check "$what: exit status 0 (got $rc)" test "$rc" -eq 0
  check "$what: says '$want' ($(head -1 "$LAST_ERR"))" grep -q -- "$want" "$LAST_ERR"
  check "$what: every packet written" test "$(count "$out")" -eq "$(count "$CAP")"
  [ "${4:-}" = changed ] ||
    check "$what: unchanged" cmp -s <(records "$CAP") <(records "$out")
}
hostile "a position past the end" 'pktlua.insert(pkt, #pkt + 2, 1)' "out of bounds"
hostile "position 0" 'pktlua.remove(pkt, 0, 1)' "out of bounds"
hostile "a huge negative position" 'pktlua.insert(pkt, math.mininteger, 1)' "out of bounds"
hostile "a removal past the end" 'pktlua.remove(pkt, 3, #pkt)' "out of bounds"
hostile "a negative count" 'pktlua.insert(pkt, 1, -1)' "negative count"
hostile "2^62 bytes" 'pktlua.insert(pkt, 1, 1 << 62)' "over the maximum of 262144"
hostile "one byte past the maximum" 'pktlua.resize(pkt, 262145)' "over the maximum of 262144"
hostile "another memory" 'pktlua.insert(require("memory").create(10), 1, 1)' "the packet (pkt of packet()) expected"
hostile "a fill byte of 256" 'pktlua.insert(pkt, 1, 1, 256)' "byte out of range"
hostile "an empty fill" 'pktlua.insert(pkt, 1, 1, "")' "empty fill"
hostile "info.len below #pkt" 'info.len = #pkt - 1' "info.len"
# the edits before the error stay, as writes to the bytes do
hostile "growth past the maximum, step by step" \
  'for i = 1, 1000 do pktlua.insert(pkt, 1, 1000) end' "over the maximum of 262144" changed
check "growth past the maximum: nothing over it written" \
  test "$(tshark -r "$TMP/h$nh.pcap" -T fields -e frame.cap_len 2>/dev/null | sort -n | tail -1)" -le 262144
# the maximum itself is fine
run_pktlua -r "$CAP" -w "$TMP/max.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt) pktlua.resize(pkt, 262144) end'
check "a packet of 262144 bytes is written" test "$(tshark -r "$TMP/max.pcap" -T fields -e frame.cap_len 2>/dev/null | sort -u)" = 262144

# outside packet(): in the chunk the run does not start; in finish() a
# script error (exit status 3) after every packet was written; a pkt kept from
# an edited packet is the next packet (or nothing, in finish)
run_pktlua -r "$CAP" -w "$TMP/c.pcap" -e '
  local pktlua = require "pktlua"
  pktlua.insert(require("memory").create(4), 1, 1)
  function packet () end'
check "an edit in the chunk: exit status 2" test $? -eq 2
check "an edit in the chunk: no packet to edit" grep -q "no packet to edit" "$LAST_ERR"
run_pktlua -r "$CAP" -w "$TMP/f.pcap" -e '
  local pktlua = require "pktlua"
  local kept, keptinfo, n = nil, nil, 0
  function packet (pkt, info)
    n = n + 1
    if kept then assert(kept == pkt and #kept == info.caplen) end
    pktlua.insert(pkt, 1, 2, "ok")
    kept, keptinfo = pkt, info
  end
  function finish ()
    assert(#kept == 0, "kept pkt is empty in finish")
    local ok, err = pcall(pktlua.insert, kept, 1, 1)
    assert(not ok and err:find("no packet to edit"), err)
    ok, err = pcall(function () keptinfo.len = 10 end)
    assert(not ok and err:find("no packet"), err)
    pktlua.resize(kept, 10)
  end'
check "edits in finish: exit status 3" test $? -eq 3
check "edits in finish: no packet to edit ($(head -1 "$LAST_ERR"))" grep -q "no packet to edit.*in finish" "$LAST_ERR"
check "edits in finish: every packet written first" test "$(count "$TMP/f.pcap")" -eq "$(count "$CAP")"

finish
