#!/usr/bin/env bash
# Byte-swapped captures of the link types whose pseudo-headers libpcap
# rewrites as it reads (issue 11, item 7): pktlua's fast reader must give
# the script and the -w output the same bytes as libpcap's reader
# (PKTLUA_READER=libpcap) and as tcpdump -w.
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
here=$(cd "$(dirname "$0")" && pwd)
t=$(tmp)
hex='function packet (pkt)
  io.write((pkt:tostring():gsub(".", function (c)
    return string.format("%02x", c:byte()) end)), "\n")
  return true
end'
for lt in 239:NFLOG 189:USB_LINUX 220:USB_LINUX_MMAPPED 113:SLL-CAN \
          276:SLL2-CAN 117:PFLOG; do
  n=${lt%%:*} name=${lt#*:}
  lua5.4 "$here/mkswapped.lua" "$n" "$t/$n.pcap" || die "mkswapped $n"
  tcpdump -r "$t/$n.pcap" -w "$t/$n.tcpdump.pcap" 2>/dev/null ||
    die "tcpdump cannot read $n.pcap"
  "$PKTLUA" -q -r "$t/$n.pcap" -w "$t/$n.fast.pcap" -e "$hex" > "$t/$n.fast.txt"
  check "$name: exit 0" [ $? -eq 0 ]
  PKTLUA_READER=libpcap "$PKTLUA" -q -r "$t/$n.pcap" -w "$t/$n.lib.pcap" \
    -e "$hex" > "$t/$n.lib.txt"
  same "$name: the output is libpcap's reader's" "$t/$n.lib.pcap" "$t/$n.fast.pcap"
  same "$name: the output is tcpdump -w's" "$t/$n.tcpdump.pcap" "$t/$n.fast.pcap"
  same "$name: the script sees libpcap's bytes" "$t/$n.lib.txt" "$t/$n.fast.txt"
  check "$name: 5 packets" [ "$(wc -l < "$t/$n.fast.txt")" -eq 5 ]
done
finish
