#!/usr/bin/env bash
# Plain copy (no script) and pass-all/drop-all scripts, for every capture:
# tcpdump sees the same packets, micro/nanosecond, byte for byte.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)

for f in $(readable_captures); do
  n=$(basename "$f")
  "$PKTLUA" -q -r "$f" -w "$TMP/copy.pcap" || bad "$n: copy exits 0"
  check "$n: copy shows the same packets" cmp -s <(dump "$f") <(dump "$TMP/copy.pcap")
  case $n in
    # a big-endian file is written in host order; a record longer than the
    # file's snaplen is clipped to it by libpcap (as tcpdump -w does)
    *bigendian*|zeek-trunc-hdr.pcap) ;;
    *.pcap) check "$n: copy of a pcap file is byte-identical" cmp -s "$f" "$TMP/copy.pcap" ;;
  esac
  "$PKTLUA" -q -r "$f" -w "$TMP/pass.pcap" -e 'function packet() return true end' ||
    bad "$n: pass-all exits 0"
  check "$n: pass-all keeps every packet" cmp -s <(dump "$f") <(dump "$TMP/pass.pcap")
  "$PKTLUA" -q -r "$f" -w "$TMP/drop.pcap" -e 'function packet() return false end' ||
    bad "$n: drop-all exits 0"
  check "$n: drop-all writes a valid empty capture" \
    test "$(tcpdump -r "$TMP/drop.pcap" 2>&1 >/dev/null | grep -c 'reading from file')" -eq 1 -a \
         "$(count "$TMP/drop.pcap")" -eq 0
done

# a script's writes are what gets written: zero the first byte of each packet
f=$CAP_LONG
"$PKTLUA" -q -r "$f" -w "$TMP/w.pcap" -e 'function packet(p) p:set(1, 0xee) end'
check "writes to pkt reach the output" \
  test "$(tcpdump -e -n -r "$TMP/w.pcap" 2>/dev/null | grep -c '> ee:')" -eq "$(count "$f")"
finish
