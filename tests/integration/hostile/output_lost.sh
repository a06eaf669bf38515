#!/usr/bin/env bash
# Packets lost to an output (issue 16, problem 4): a refused injection
# moves the packet from passed to failed, and the summary, --stats=json
# and the exit status (1) agree; with -w on a full disk as well, a packet
# lost by both outputs is counted once (read = passed + dropped + failed,
# passed = the packets both in the file and sent). In private network and
# mount namespaces (unshare -n -m): lo with a small MTU, a small tmpfs.
. "$(dirname "$0")/../lib.sh"
need tcpdump unshare ip
need_root
need_pktlua
need_pktgen
t=$(tmp)
unshare -n -m true 2>/dev/null || skip_root "cannot create namespaces"
"$PKTGEN" --mixed 2000 -w "$t/in.pcap" || die "pktgen failed"
n=2000
# 1 for each frame over lo's MTU (200) and its Ethernet header, else 0
tcpdump -r "$t/in.pcap" -n -e 2>/dev/null |
  awk 'match($0, /length [0-9]+/) { print (substr($0, RSTART + 7, RLENGTH - 7) + 0 > 214) }' > "$t/big"
[ "$(wc -l < "$t/big")" -eq $n ] || die "cannot read the frame lengths"
big=$(grep -c 1 "$t/big")

# inns CMD...: runs CMD in fresh namespaces: lo up with MTU 200, a 256 KiB
# tmpfs on $t/mnt seen there only
mkdir "$t/mnt"
inns() {
  unshare -n -m sh -c 'mount --make-rprivate / &&
    ip link set lo mtu 200 up &&
    mount -t tmpfs -o size=256k tmpfs "$0" && exec "$@"' "$t/mnt" "$@"
}
jsonnum() { grep '^{"read"' "$1" | tail -1 | grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2; }
textnum() {  # passed, or failed, from the text summary
  case $2 in
    passed) sed -n 's/^pktlua: [0-9]* packets read, \([0-9]*\) passed,.*/\1/p' "$1" ;;
    failed) sed -n 's/^pktlua: \([0-9]*\) passed packets did not reach the output.*/\1/p' "$1" ;;
  esac
}

# 1. injection only: the frames over the MTU are refused
inns "$PKTLUA" -r "$t/in.pcap" -o lo --topspeed --stats=json 2>"$t/inj.json"; rc=$?
inns "$PKTLUA" -r "$t/in.pcap" -o lo --topspeed 2>"$t/inj.text"; rct=$?
passed=$(jsonnum "$t/inj.json" passed); failed=$(jsonnum "$t/inj.json" failed)
check "inject: exit 1 (json $rc, text $rct)" [ "$rc" -eq 1 ] && [ "$rct" -eq 1 ]
check "inject: the $big frames over the MTU failed ($failed)" [ "$failed" = "$big" ]
check "inject: passed counts what was sent ($passed)" \
  [ "$passed" = $((n - big)) ] && [ "$(grep -o '"sent":[0-9]*' "$t/inj.json" | cut -d: -f2)" = "$passed" ]
check "inject: passed_bytes, those of the frames sent" \
  [ "$(jsonnum "$t/inj.json" passed_bytes)" = "$(grep -o '"inject":{"sent":[0-9]*,"bytes":[0-9]*' "$t/inj.json" | sed 's/.*://')" ]
check "inject: the text summary says the same" \
  [ "$(textnum "$t/inj.text" passed)" = "$passed" ] && [ "$(textnum "$t/inj.text" failed)" = "$failed" ]

# 2. -o and -w on a full disk: both lose packets, each is counted once
inns "$PKTLUA" -r "$t/in.pcap" -o lo -w "$t/mnt/o.pcap" --topspeed --stats=json \
  -e 'function packet() end  -- the file, copied out of the namespace at the end
      function finish() os.execute("cp " .. arg.mnt .. "/o.pcap " .. arg.out) end' \
  -a mnt="$t/mnt" -a out="$t/o.pcap" 2>"$t/both.json"; rc=$?
read=$(jsonnum "$t/both.json" read); passed=$(jsonnum "$t/both.json" passed)
failed=$(jsonnum "$t/both.json" failed)
inner=$(count "$t/o.pcap")
want=$(head -n "$inner" "$t/big" | grep -c 0)
check "both: exit 1 ($rc)" [ "$rc" -eq 1 ]
check "both: the disk filled up ($inner of $read in the file)" [ "$inner" -gt 0 ] && [ "$inner" -lt "$read" ]
check "both: passed = the packets in the file that were also sent ($passed, want $want)" [ "$passed" = "$want" ]
check "both: read = passed + failed ($read = $passed + $failed)" [ "$read" -eq $((passed + failed)) ]
finish
