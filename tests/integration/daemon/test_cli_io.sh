#!/usr/bin/env bash
# -c, BPF expressions, -r - / -w - pipes, timestamp precision in and out.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
big=$CAP_LONG
mixed=$CAP_MIXED

# -c N: exactly the first N packets
"$PKTLUA" -q -r "$big" -c 100 -w "$TMP/c.pcap"
check "-c 100 writes the first 100 packets" \
  cmp -s <(dump "$TMP/c.pcap") <(tcpdump -n -S -tt --nano -r "$big" -c 100 2>/dev/null)
"$PKTLUA" -q -r "$big" -c 7 -w "$TMP/c7.pcap" -e 'function packet() return false end' --stats=json 2>"$TMP/c7.err"
check "-c counts packets read, not passed" test "$(jsonfield "$TMP/c7.err" read)" = 7

# BPF expression (several words joined), against tcpdump's own filtering
for expr in "udp" "icmp or arp" "tcp and port 80" "ip6" "not ip"; do
  # shellcheck disable=SC2086
  "$PKTLUA" -q -r "$mixed" -w "$TMP/f.pcap" $expr
  check "BPF '$expr' selects what tcpdump selects" \
    cmp -s <(dump "$TMP/f.pcap") <(tcpdump -n -S -tt --nano -r "$mixed" $expr 2>/dev/null)
done
"$PKTLUA" -q -r "$mixed" -w "$TMP/f.pcap" -e 'function packet(p, i) assert(i.l3) end' udp
check "BPF runs before the script (every udp packet has l3)" test "$(count "$TMP/f.pcap")" -gt 0

# stdin and stdout
"$PKTLUA" -q -r - -w - < "$big" | tcpdump -n -S -tt --nano -r - 2>/dev/null > "$TMP/pipe.txt"
check "-r - -w - | tcpdump -r - shows every packet" cmp -s "$TMP/pipe.txt" <(dump "$big")
cat "$big" | "$PKTLUA" -q -r - -w - -e 'function packet(p,i) return i.len < 100 end' |
  tcpdump -n -r - 2>/dev/null | wc -l > "$TMP/n.txt"
check "a pipe in, a script, a pipe out" \
  test "$(cat "$TMP/n.txt")" -eq "$(tcpdump -n -r "$big" 'len < 100' 2>/dev/null | wc -l)"

# with -w -, the script's print/io.write go to stderr, not into the capture
"$PKTLUA" -q -r "$big" -w - -e 'function packet(p, i) print("len", i.len) io.write("w\n") end' \
  2>"$TMP/printed" | tcpdump -n -S -tt --nano -r - 2>/dev/null > "$TMP/pipe.txt"
check "-w -: print does not corrupt the capture" cmp -s "$TMP/pipe.txt" <(dump "$big")
check "-w -: print and io.write go to stderr" \
  test "$(grep -c '^len' "$TMP/printed")" -eq "$(count "$big")" -a "$(grep -c '^w$' "$TMP/printed")" -eq "$(count "$big")"

# nanosecond in, nanosecond out; microsecond in, microsecond out
nano=$CAP_SLL_NANO
"$PKTLUA" -q -r "$nano" -w "$TMP/nano.pcap"
check "nanosecond input keeps nanosecond timestamps" \
  cmp -s <(dump "$nano") <(dump "$TMP/nano.pcap")
check "nanosecond output has the nanosecond magic" \
  test "$(head -c 4 "$TMP/nano.pcap" | od -An -tx1 | tr -d ' ')" = 4d3cb2a1
cat "$nano" | "$PKTLUA" -q -r - -w "$TMP/nano2.pcap"
check "nanosecond timestamps through a pipe" cmp -s <(dump "$nano") <(dump "$TMP/nano2.pcap")
cat "$big" | "$PKTLUA" -q -r - -w "$TMP/micro2.pcap"
check "microsecond timestamps through a pipe (written as nanoseconds)" \
  cmp -s <(dump "$big") <(dump "$TMP/micro2.pcap")
"$PKTLUA" -q -r "$big" -w "$TMP/micro.pcap"
check "microsecond output has the microsecond magic" \
  test "$(head -c 4 "$TMP/micro.pcap" | od -An -tx1 | tr -d ' ')" = d4c3b2a1
# pcapng in, pcap out, same packets and times
ng=$CAP_NG
"$PKTLUA" -q -r "$ng" -w "$TMP/ng.pcap"
check "pcapng input gives pcap output with the same packets" cmp -s <(dump "$ng") <(dump "$TMP/ng.pcap")
finish
