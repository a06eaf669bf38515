#!/usr/bin/env bash
# pktlua.linktype(n) in the chunk: -w writes that link type (Linux cooked
# to Ethernet, Ethernet to raw IP, as tcpdump and tshark read them), -o
# takes it on an Ethernet interface; a bad number, a call after the chunk
# and a reload that would mix link types in one pcap file are clear
# errors. A script may make packets longer than the input's snaplen: a
# -w file's header then says the longest, so that libpcap's readers see
# them whole (a pipe gets a warning).
. "$(dirname "$0")/../lib.sh"
need tshark tcpdump
need_pktlua
TMP=$(tmp)
LAST_ERR=$TMP/err
[ "$CORPUS" = shared ] && { echo "generated captures only"; finish; }

# SLL -> Ethernet: the 16-byte cooked header becomes a 14-byte Ethernet one
run_pktlua -r "$CAP_SLL_NANO" -w "$TMP/eth.pcap" -e '
  local pktlua = require "pktlua"
  pktlua.linktype(1)
  function packet (pkt)
    local hi, lo = pkt:get(15, 16)  -- the protocol
    pktlua.remove(pkt, 1, 16)
    pktlua.insert(pkt, 1, 14, "\2\0\0\0\0\2\2\0\0\0\0\1" .. string.char(hi, lo))
  end'
check "sll -> ethernet: runs: $(head -2 "$LAST_ERR")" test ! -s "$LAST_ERR"
check "sll -> ethernet: tcpdump reads EN10MB" \
  grep -q "link-type EN10MB" <(tcpdump -r "$TMP/eth.pcap" -c 1 2>&1 >/dev/null)
same "sll -> ethernet: the same packets above the link layer" \
  <(tcpdump -nn -tt --nano -r "$CAP_SLL_NANO" 2>/dev/null | sed 's/^[0-9.]* //') \
  <(tcpdump -nn -tt --nano -r "$TMP/eth.pcap" 2>/dev/null | sed 's/^[0-9.]* //')
check "sll -> ethernet: tshark decodes Ethernet" \
  test "$(tshark -r "$TMP/eth.pcap" -T fields -e frame.protocols 2>/dev/null | cut -d: -f1 | sort -u)" = eth

# Ethernet -> raw IP (LINKTYPE_RAW, 101)
run_pktlua -r "$CAP_LONG" -w "$TMP/raw.pcap" -e '
  local pktlua = require "pktlua"
  pktlua.linktype(101)
  function packet (pkt, info) pktlua.remove(pkt, 1, info.l3 - 1) end'
check "ethernet -> raw: tcpdump reads RAW" \
  grep -q "link-type RAW" <(tcpdump -r "$TMP/raw.pcap" -c 1 2>&1 >/dev/null)
same "ethernet -> raw: the same IP packets" <(dump "$CAP_LONG" | sed 's/^[0-9.]* //') \
  <(dump "$TMP/raw.pcap" | sed 's/^[0-9.]* //')

# errors
run_pktlua -r "$CAP_LONG" -w "$TMP/bad.pcap" -e '
  require("pktlua").linktype(70000) function packet () end'
check "a bad link type: exit 2" test $? -eq 2
check "a bad link type: said so" grep -q "not a link type" "$LAST_ERR"
check "a bad link type: no output" test ! -e "$TMP/bad.pcap"
run_pktlua -r "$CAP_LONG" -w "$TMP/late.pcap" -c 1 -e '
  function packet () require("pktlua").linktype(1) end'
check "linktype in packet(): an error on the packet" grep -q "declared in the chunk" "$LAST_ERR"

# growth past the input's snaplen: libpcap's reader (pktlua's own, and
# tcpdump's) sees the records whole
run_pktlua -r "$CAPS/snaplen68.pcap" -w "$TMP/grown.pcap" -e '
  local pktlua = require "pktlua"
  function packet (pkt) pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x05") end'
"$PKTLUA" -q -r "$TMP/grown.pcap" -e 'function packet (p) print(#p) end' | sort -u >"$TMP/caplens"
check "grown past snaplen 68: read back whole (72 bytes)" test "$(cat "$TMP/caplens")" = 72
check "grown past snaplen 68: the header says 72" \
  grep -q "snapshot length 72" <(tcpdump -r "$TMP/grown.pcap" -c 1 2>&1 >/dev/null)
# a pipe cannot be mended: said once
"$PKTLUA" -q -r "$CAPS/snaplen68.pcap" -w - -e '
  local pktlua = require "pktlua"
  function packet (pkt) pktlua.insert(pkt, 13, 4, "\x81\x00\x00\x05") end' 2>"$TMP/pipe.err" | cat >/dev/null
check "grown past snaplen 68 into a pipe: a warning, once" \
  test "$(grep -c "longer than the snaplen in the file header (68)" "$TMP/pipe.err")" -eq 1

# a reload must not mix link types in one pcap file
"$PKTLUA" -q -r "$CAP_LONG" -c 20 -w "$TMP/twenty.pcap"
mkfifo "$TMP/fifo"
cat >"$TMP/s.lua" <<'EOF'
local pktlua = require "pktlua"
pktlua.linktype(1)
function packet () io.open(arg.mark, "w"):close() end
EOF
"$PKTLUA" -q -r "$TMP/fifo" -w "$TMP/mixed.pcap" -f "$TMP/s.lua" -a mark="$TMP/running" 2>"$TMP/reload.err" &
pid=$!
exec 3>"$TMP/fifo"
cat "$TMP/twenty.pcap" >&3
wait_for "$TMP/running"
sed -i 's/linktype(1)/linktype(101)/' "$TMP/s.lua"
kill -HUP $pid
wait_grep "$TMP/reload.err" reload
exec 3>&-
wait $pid
check "a reload that changes the link type: exit 0 (the old script runs on)" test $? -eq 0
check "a reload that changes the link type: refused, said why ($(head -1 "$TMP/reload.err"))" \
  grep -q "reload failed.*a pcap file holds one link type" "$TMP/reload.err"

# -o: Linux cooked frames made Ethernet go out on an Ethernet interface
if [ "$(id -u)" -eq 0 ] && [ -e /sys/class/net/lo ]; then
  run_pktlua -r "$CAP_SLL_NANO" -o lo -c 1 -e 'function packet () return false end'
  check "-o lo without linktype: SLL refused" grep -q "cannot inject LINUX_SLL frames on a EN10MB interface" "$LAST_ERR"
  run_pktlua -r "$CAP_SLL_NANO" -o lo -c 1 -e '
    local pktlua = require "pktlua"
    pktlua.linktype(1)
    function packet () return false end'
  check "-o lo with linktype(1): accepted ($(head -1 "$LAST_ERR"))" test ! -s "$LAST_ERR"
fi

finish
