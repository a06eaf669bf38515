#!/usr/bin/env bash
# A full disk under -w FILE.pcapng, on a 3 MiB tmpfs: the pcapng writer
# goes through the same whole-record writes as pcap (sink_file.c). The run
# stops at the first write error with one line naming the first packet
# not in the file; the file ends on a whole block (tshark and capinfos
# read it without a warning); passed counts what the file holds, failed
# what the disk refused; a comment a script set does not change that.
. "$(dirname "$0")/../lib.sh"
need tshark capinfos
need_pktlua
need_pktgen
t=$(tmp)
mnt=$t/mnt
small_disk "$mnt" 3m
"$PKTGEN" --udp64 100000 -w "$t/in.pcap" || die "pktgen failed"
# every 7th packet gets a comment: blocks of two sizes
script='local n = 0
function packet (pkt, info)
  n = n + 1
  if n % 7 == 0 then info.comment = "seven" end
end'
# the header (section and interface blocks): what a run passing nothing
# writes
"$PKTLUA" -q -r "$t/in.pcap" -w "$t/empty.pcapng" -e 'function packet () return false end' ||
  die "empty run failed"
header=$(stat -c %s "$t/empty.pcapng")

for mode in buffered unbuffered; do
  disk_full $mode "$mnt/o.pcapng" 100000 "$t/err" -r "$t/in.pcap" -e "$script"
  # the blocks: 32 bytes of EPB header and trailer, 64 of packet, and
  # 12 for each comment option with its end
  comments=$(tshark -r "$mnt/o.pcapng" -Y frame.comment 2>/dev/null | wc -l)
  check "$what: some blocks have comments ($comments)" [ "$comments" -gt 0 ]
  check "$what: the file ends on a whole block ($comments comments)" \
    [ "$(stat -c %s "$mnt/o.pcapng")" -eq $((header + 96 * passed + 16 * comments)) ]
  warn=$( (tshark -r "$mnt/o.pcapng" -w /dev/null; capinfos "$mnt/o.pcapng") 2>&1 >/dev/null |
        grep -v "Running as user")
  check "$what: tshark and capinfos read it without a warning ($warn)" [ -z "$warn" ]
done
check "unbuffered: stopped at the packet the disk refused" [ "$failed" -eq 1 ]
finish
