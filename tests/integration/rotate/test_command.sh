#!/usr/bin/env bash
# -z CMD (rotate.c): run by /bin/sh on each closed file, the last one
# too, with the file's name as its last argument; the file is whole and
# final when the command sees it; the packet loop does not wait for it
# (a slow command does not slow the run down: the run only waits for the
# commands at its end); the commands are reaped as they end (no zombies
# pile up); a failing command is reported; -z with one file runs at the
# end; gzip as users use it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rot.sh"
need gzip

# the command: records its argument, the packets it sees and whether the
# file is whole, one line per call
cat > "$TMP/rec.sh" <<EOF2
#!/bin/sh
n=\$(capinfos -c -M "\$1" 2>/dev/null | awk -F': *' '/Number of packets/ { print \$2 }')
if [ -z "\$(tshark -r "\$1" -q 2>&1 >/dev/null | grep -v '^Running as user')" ]; then w=whole; else w=torn; fi
echo "\$1 \$n \$w" >> "$TMP/log"
EOF2
chmod +x "$TMP/rec.sh"

for ext in pcap pcapng; do
  d=$TMP/$ext; mkdir -p "$d"; rm -f "$TMP/log"
  run_pktlua -r "$CAP_LONG" -w "$d/o.$ext" -C 200k -z "$TMP/rec.sh"
  check "$ext -z: exit 0" test $? -eq 0
  mapfile -t files < <(ordered "$d/o.$ext")
  check "$ext -z: one call per file, the last one too (${#files[@]})" \
    test "$(wc -l < "$TMP/log")" -eq "${#files[@]}"
  for f in "${files[@]}"; do
    line=$(grep "^$f " "$TMP/log")
    check "$ext -z: $(basename "$f") seen once, whole, with its final packets" \
      test "$line" = "$f $(packets "$f") whole"
  done
done

# a command with arguments; gzip leaves only .gz files that hold the
# captures
d=$TMP/gz; mkdir -p "$d"
run_pktlua -r "$CAP_LONG" -w "$d/o.pcap" -C 300k -z 'gzip -1'
check "-z 'gzip -1': exit 0" test $? -eq 0
check "-z 'gzip -1': only .gz files are left" test -z "$(ls "$d" | grep -v '\.gz$')"
for f in "$d"/*.gz; do gunzip -c "$f"; done > /dev/null
check "-z 'gzip -1': every file compressed whole" test $? -eq 0
n=0; for f in "$d"/*.gz; do gunzip -c "$f" > "$TMP/x.pcap"; n=$((n + $(packets "$TMP/x.pcap"))); done
check "-z 'gzip -1': all the packets ($n)" test $n -eq "$(count "$CAP_LONG")"

# the loop does not wait: 10 files, each command sleeping 2 s, run in
# well under the 20 s a waiting loop would take
d=$TMP/slow; mkdir -p "$d"
start=$(date +%s)
run_pktlua -r "$CAP_LONG" -w "$d/o.pcap" -C 200k -z "sleep 2; echo >> $TMP/slowlog"
took=$(( $(date +%s) - start ))
check "-z 'sleep 2': the run does not wait for each command (${took}s)" test $took -lt 10
check "-z 'sleep 2': the run waited for every command at its end" \
  test "$(wc -l < "$TMP/slowlog")" -eq "$(ls "$d" | wc -l)"

# no zombies pile up: a run fed by a FIFO pauses after many files; its
# finished commands are reaped (at most the newest one may wait)
mkfifo "$TMP/fifo"
d=$TMP/z; mkdir -p "$d"
"$PKTLUA" -q -r "$TMP/fifo" -w "$d/o.pcap" -C 100k -z true 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/fifo"
cat "$CAP_LONG" >&3
for i in $(seq 50); do [ -e "$d/o.pcap12" ] && break; sleep 0.1; done
sleep 1
zombies=$(ps -o stat= --ppid $pid | grep -c '^Z')
check "-z: finished commands are reaped during the run ($zombies zombies, $(ls "$d" | wc -l) files)" \
  test "$zombies" -le 1
exec 3>&-
wait $pid
check "-z via a FIFO: exit 0" test $? -eq 0

# -W counts captures whatever -z made of them: gzip's NAME.gz of the
# oldest file goes with it. The timed capture's 8 packets one by one
# through a FIFO, 0.3 s apart, so that each gzip is done long before -W
# reaches its file
export TZ=UTC
timed "$TMP/t.pcap"
editcap -F pcap -c 1 "$TMP/t.pcap" "$TMP/one.pcap" >/dev/null 2>&1
mkfifo "$TMP/fifo2"
d=$TMP/wz; mkdir -p "$d"
touch "$d/g-220000.pcap.txt.keep" "$d/g-2200001"
PKTLUA_ROTATE_CLOCK=packet "$PKTLUA" -q -r "$TMP/fifo2" -G 10 -W 2 -z gzip \
  -w "$d/g-%H%M%S.pcap" 2>"$TMP/err" &
pid=$!
{
  first=1
  for f in "$TMP"/one_*.pcap; do
    if [ $first = 1 ]; then cat "$f"; first=0; else tail -c +25 "$f"; fi
    sleep 0.3
  done
} > "$TMP/fifo2"
wait $pid
check "-W 2 -z gzip: exit 0" test $? -eq 0
check "-W 2 -z gzip: the two newest, compressed; other files untouched ($(LC_ALL=C ls "$d" | tr '\n' ' '))" \
  test "$(LC_ALL=C ls "$d" | tr '\n' ' ')" = "g-220000.pcap.txt.keep g-2200001 g-220050.pcap.gz g-220100.pcap.gz "
check "-W 2 -z gzip: no command failed ($(cat "$TMP/err"))" test ! -s "$TMP/err"

# a failing command is reported, the run goes on (exit 0: the capture is whole)
d=$TMP/fail; mkdir -p "$d"
run_pktlua -r "$CAP_LONG" -w "$d/o.pcap" -C 500k -z 'exit 3;'
check "-z failing: exit 0" test $? -eq 0
check "-z failing: reported with its status" grep -q "exit status 3" "$TMP/err"

# -z without -C/-G: the one file, at the end
rm -f "$TMP/log"
run_pktlua -r "$CAP_MIXED" -w "$TMP/one.pcap" -z "$TMP/rec.sh"
check "-z alone: the one file, whole" \
  test "$(cat "$TMP/log")" = "$TMP/one.pcap $(count "$CAP_MIXED") whole"
finish
