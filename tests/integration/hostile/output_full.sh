#!/usr/bin/env bash
# A full disk under -w (issue 11, item 8), on a 3 MiB tmpfs: the run stops
# at the first write error with one line naming the first packet that is
# not in the file; the file ends on a whole record (tcpdump and capinfos
# read it without a warning); passed counts what the file holds, failed
# what the disk refused; finish() still runs; exit 1.
. "$(dirname "$0")/../lib.sh"
need tcpdump capinfos
need_pktlua
need_pktgen
t=$(tmp)
mnt=$t/mnt
small_disk "$mnt" 3m
"$PKTGEN" --udp64 100000 -w "$t/in.pcap" || die "pktgen failed"
script='function packet () return true end
function finish () io.stderr:write("finish ran\n") end'

for mode in buffered unbuffered; do
  disk_full $mode "$mnt/o.pcap" 100000 "$t/err" -r "$t/in.pcap" -e "$script"
  check "$what: the file ends on a whole record" \
    [ "$(stat -c %s "$mnt/o.pcap")" -eq $((24 + 80 * passed)) ]
  warn=$( (tcpdump -r "$mnt/o.pcap" -w /dev/null; capinfos "$mnt/o.pcap") 2>&1 >/dev/null |
          grep -v '^reading from')
  check "$what: tcpdump and capinfos read it without a warning ($warn)" [ -z "$warn" ]
  check "$what: finish() ran" grep -q '^finish ran' "$t/err"
done
# unbuffered: each packet is written as it passes, so the first refusal
# stops the run at that very packet
check "unbuffered: stopped at the packet the disk refused" [ "$failed" -eq 1 ]
finish
