#!/usr/bin/env bash
# A full disk under -w (issue 11, item 8), on a 3 MiB tmpfs: the run stops
# at the first write error with one line naming the first packet that is
# not in the file; the file ends on a whole record (tcpdump and capinfos
# read it without a warning); passed counts what the file holds, failed
# what the disk refused; finish() still runs; exit 1.
. "$(dirname "$0")/../lib.sh"
need tcpdump capinfos
need_root
need_pktlua
need_pktgen
t=$(tmp)
mnt=$t/mnt
mkdir "$mnt"
mount -t tmpfs -o size=3m tmpfs "$mnt" || skip_root "cannot mount a tmpfs"
trap 'umount "$mnt" 2>/dev/null; _cleanup' EXIT
"$PKTGEN" --udp64 100000 -w "$t/in.pcap" || die "pktgen failed"
script='function packet () return true end
function finish () io.stderr:write("finish ran\n") end'

# full ARGS...: one run onto the small disk; sets rc, read, passed, failed
full() {
  rm -f "$mnt/o.pcap"
  "$PKTLUA" --stats=json -r "$t/in.pcap" -w "$mnt/o.pcap" -e "$script" "$@" \
    2>"$t/err"
  rc=$?
  read=$(jsonfield "$t/err" read); passed=$(jsonfield "$t/err" passed)
  failed=$(jsonfield "$t/err" failed)
}
for mode in buffered unbuffered; do
  if [ $mode = buffered ]; then full; else full -U; fi
  what="$mode (read $read, passed $passed, failed $failed)"
  check "$what: exit 1 (got $rc)" [ "$rc" -eq 1 ]
  line=$(grep '^pktlua: ' "$t/err")
  check "$what: one line names the first lost packet ($line)" \
    [ "$line" = "pktlua: $mnt/o.pcap: packet $((passed + 1)): write error: No space left on device" ]
  check "$what: the run stopped there" [ "$read" -lt 100000 ]
  check "$what: passed counts what the file holds" \
    [ "$(capinfos -c -M "$mnt/o.pcap" | sed -n 's/^Number of packets: *//p')" = "$passed" ]
  check "$what: the file ends on a whole record" \
    [ "$(stat -c %s "$mnt/o.pcap")" -eq $((24 + 80 * passed)) ]
  warn=$( (tcpdump -r "$mnt/o.pcap" -w /dev/null; capinfos "$mnt/o.pcap") 2>&1 >/dev/null |
          grep -v '^reading from')
  check "$what: tcpdump and capinfos read it without a warning ($warn)" [ -z "$warn" ]
  check "$what: read = passed + failed" [ "$read" -eq $((passed + failed)) ]
  check "$what: finish() ran" grep -q '^finish ran' "$t/err"
done
# unbuffered: each packet is written as it passes, so the first refusal
# stops the run at that very packet
check "unbuffered: stopped at the packet the disk refused" [ "$failed" -eq 1 ]
finish
