#!/usr/bin/env bash
# pktlua.emit(mem [, output [, time]]): extra packets from the script, a
# copy of the one being handled or a memory the script built, to the
# default or a named output, written before the packet being handled;
# timestamps by default the handled packet's; the handled packet's
# interface kept in pcapng; no allocation per packet with a reused
# memory; counted (emitted, per output); clear errors for unknown outputs,
# calls outside packet(), wrong types.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need tshark tcpdump
TMP=$(tmp)
LAST_ERR=$TMP/err
in=$CAP_MIXED
total=$(count "$in")
# one line per frame: time, length, a hash of its bytes
frames() {
  tshark -o frame.generate_md5_hash:TRUE -r "$1" -T fields \
    -e frame.time_epoch -e frame.len -e frame.md5_hash 2>/dev/null
}

# a copy of every packet to the default output and one to "copy"
run_pktlua -r "$in" -w "$TMP/d.pcap" -w copy="$TMP/c.pcap" --stats=json -e '
  function packet (pkt) pktlua.emit(pkt); pktlua.emit(pkt, "copy") end'
check "copies: exit 0" test $? -eq 0
check "default holds each packet twice ($(count "$TMP/d.pcap"))" \
  test "$(count "$TMP/d.pcap")" -eq $((2 * total))
frames "$in" | sed 'p' > "$TMP/want"
frames "$TMP/d.pcap" > "$TMP/got"
same "default: each packet, its copy next to it, same time and bytes" "$TMP/want" "$TMP/got"
frames "$in" > "$TMP/want"
frames "$TMP/c.pcap" > "$TMP/got"
same "copy: the packets as read" "$TMP/want" "$TMP/got"
check "stats: emitted $((2 * total))" test "$(jsonfield "$TMP/err" emitted)" -eq $((2 * total))
check "stats: passed $total" test "$(jsonfield "$TMP/err" passed)" -eq "$total"
outs=$(grep -o '"outputs":{[^}]*}' "$TMP/err")
check "stats: per output ($outs)" test "$outs" = "\"outputs\":{\"default\":$((2 * total)),\"copy\":$total}"

# a memory the script builds, reused: its bytes, the time given, the
# packet it was emitted for dropped; no allocation from the second packet
# on (the collector is stopped: any allocation would show)
"$PKTLUA" -r "$in" -w "$TMP/b.pcap" -e '
  local memory = require "memory"
  local m = memory.create(42)
  local n, before = 0, nil
  collectgarbage("stop")
  function packet (pkt, info)
    n = n + 1
    if n == 2 then before = collectgarbage("count") end
    m:set(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, n % 256)
    m:set(13, 0x88, 0xb5)  -- local experimental ethertype
    pktlua.emit(m, "default", 1500000000 + n / 4)
    return false
  end
  function finish ()
    io.stderr:write(("grew %.0f bytes\n"):format((collectgarbage("count") - before) * 1024))
  end' 2>"$TMP/err"
check "built: exit 0" test $? -eq 0
check "built: no allocation per packet ($(grep grew "$TMP/err"))" grep -q '^grew 0 bytes' "$TMP/err"
check "built: one per packet read" test "$(count "$TMP/b.pcap")" -eq "$total"
tshark -r "$TMP/b.pcap" -T fields -e frame.time_epoch -e frame.len -e eth.src -e eth.type 2>/dev/null |
  head -3 > "$TMP/got"
printf '%s\t42\t02:00:00:00:00:%02x\t0x88b5\n' 1500000000.250000000 1 1500000000.500000000 2 \
  1500000000.750000000 3 > "$TMP/want"
same "built: time, length, bytes as set" "$TMP/want" "$TMP/got"
check "built: the summary says emitted" grep -q "^pktlua: $total packets emitted by the script" "$TMP/err"

# pcapng: an emitted packet has the handled packet's interface and link
# type (an input of several link types)
run_pktlua -r "$CAP_NG_MIXED" -w "$TMP/m.pcapng" -e '
  function packet (pkt) pktlua.emit(pkt) end'
check "pcapng: exit 0" test $? -eq 0
tshark -r "$CAP_NG_MIXED" -T fields -e frame.interface_id -e frame.encap_type -e frame.len 2>/dev/null |
  sed p > "$TMP/want"
tshark -r "$TMP/m.pcapng" -T fields -e frame.interface_id -e frame.encap_type -e frame.len 2>/dev/null > "$TMP/got"
same "pcapng: each copy on its packet's interface" "$TMP/want" "$TMP/got"

# errors: one line each (repeats counted), the packet gets --on-error's
# verdict; with an explicit --on-error=pass the run goes on to the end
err() {  # err WHAT CHUNK EXPECTED
  run_pktlua -r "$in" -w "$TMP/e.pcap" --stats=json --on-error=pass -e "$2"
  check "$1: exit 0" test $? -eq 0
  check "$1: an error line" grep -qF "$3" "$TMP/err"
  check "$1: counted as script errors" test "$(jsonfield "$TMP/err" errors)" -eq "$total"
  check "$1: nothing emitted" test "$(jsonfield "$TMP/err" emitted)" -eq 0
}
err "unknown output" 'function packet (pkt) pktlua.emit(pkt, "nowhere") end' \
  "pktlua.emit: no output named 'nowhere' (outputs: default)"
err "a number" 'function packet (pkt) pktlua.emit(42) end' \
  "bad argument #1 to 'emit' (memory or string expected, got number)"
err "an output that is not a string" 'function packet (pkt) pktlua.emit(pkt, 1) end' \
  "bad argument #2 to 'emit' (string expected, got number)"
err "a time that is not a number" 'function packet (pkt) pktlua.emit(pkt, nil, "now") end' \
  "bad argument #3 to 'emit' (number expected, got string)"
err "a negative time" 'function packet (pkt) pktlua.emit(pkt, nil, -1) end' \
  "bad argument #3 to 'emit' (seconds in 0..4294967295"
err "an empty memory" 'local m = require("memory").create(0)
  function packet (pkt) pktlua.emit(m) end' \
  "bad argument #1 to 'emit' (a packet of 1 to 262144 bytes)"
run_pktlua -r "$in" -w "$TMP/e.pcap" -e 'pktlua.emit("x")'
check "in the chunk: exit 2" test $? -eq 2
check "in the chunk: said" grep -q 'pktlua.emit: only while packet() runs' "$TMP/err"
run_pktlua -r "$in" -w "$TMP/e.pcap" -e 'function packet () end
  function finish () pktlua.emit("x") end'
check "in finish: exit 3 (a script error)" test $? -eq 3
check "in finish: said" grep -q 'pktlua.emit: only while packet() runs (in finish)' "$TMP/err"
finish
