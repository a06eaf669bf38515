#!/usr/bin/env bash
# -G on an idle live capture (root, the loopback interface): a period's
# file ends on time though no packet comes (main.c wakes the capture
# twice a second), so the files of quiet seconds appear during the run,
# not only at its end, and -z's finished commands are reaped; SIGTERM
# then leaves every file whole.
. "$(dirname "$0")/../lib.sh"
need_root
. "$(dirname "$0")/rot.sh"
d=$TMP/live; mkdir -p "$d"
"$PKTLUA" -q -i lo -G 1 -z true -w "$d/%s.pcap" 'udp port 9' 2>"$TMP/err" &
pid=$!
sleep 3.4
during=$(ls "$d" | wc -l)
zombies=$(ps -o stat= --ppid $pid | grep -c '^Z')
kill -TERM $pid; wait $pid; rc=$?
check "live -G 1: exit 0 ($(cat "$TMP/err"))" test $rc -eq 0
check "live -G 1: a file a second while nothing comes ($during after 3.4 s)" test "$during" -ge 3
torn=0; for f in "$d"/*; do whole "$f" || torn=$((torn + 1)); done
check "live -G 1: every file whole" test $torn -eq 0
check "live -G 1 -z true: the commands are reaped on the idle capture ($zombies zombies)" \
  test "$zombies" -le 1
finish
