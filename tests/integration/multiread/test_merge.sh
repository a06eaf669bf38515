#!/usr/bin/env bash
# several -r files (source_merge.c): packets merged in timestamp order as
# mergecap merges them, ties in the files' order; shards put back; every
# file's interfaces in a pcapng output; mixed link types refused for pcap;
# a bad second file named with its packet; --loop, -c, --workers, stats.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
need mergecap
need tshark
t=$(tmp)
"$PKTGEN" --flows 2000 -w "$t/flows.pcap" >/dev/null

# the records of a pcap file, its 24-byte header left out
body() { tail -c +25 "$1"; }

# shards put back: as mergecap does it, and as the capture was
for cap in "$t/flows.pcap" "$CAP_MIXED" "$CAP_LONG"; do
  b=$(basename "$cap")
  for i in 1 2 3; do
    "$PKTLUA" -q -r "$cap" --shard $i/3 -w "$t/s$i.pcap"
  done
  "$PKTLUA" -q -r "$t/s1.pcap" -r "$t/s2.pcap" -r "$t/s3.pcap" \
    -w "$t/m.pcap" 2>"$t/err"
  check "merge of $b's shards runs (rc $?: $(head -c 200 "$t/err"))" \
    [ ! -s "$t/err" ]
  mergecap -F pcap -w "$t/mc.pcap" "$t/s1.pcap" "$t/s2.pcap" "$t/s3.pcap"
  same "$b's shards merged as mergecap merges them" \
    <(body "$t/m.pcap") <(body "$t/mc.pcap")
  same "$b's shards merged: its packets" <(dump "$t/m.pcap") \
    <(dump "$t/mc.pcap")
  "$PKTLUA" -q -r "$t/s1.pcap" -r "$t/s2.pcap" -r "$t/s3.pcap" --workers 2 \
    -e 'function packet () end' -w "$t/w.pcap"
  same "$b's shards merged with --workers 2" <(body "$t/w.pcap") \
    <(body "$t/mc.pcap")
done
# pktgen's capture is in time order: the merge is the capture again
"$PKTLUA" -q -r "$t/flows.pcap" --shard 1/2 -w "$t/h1.pcap"
"$PKTLUA" -q -r "$t/flows.pcap" --shard 2/2 -w "$t/h2.pcap"
"$PKTLUA" -q -r "$t/h2.pcap" -r "$t/h1.pcap" -w "$t/m.pcap"
same "halves put back are the capture" <(body "$t/m.pcap") \
  <(body "$t/flows.pcap")

# a BPF expression applies to every file
"$PKTLUA" -q -r "$t/h1.pcap" -r "$t/h2.pcap" -w "$t/f.pcap" udp
"$PKTLUA" -q -r "$t/flows.pcap" -w "$t/f1.pcap" udp
check "the filter kept some packets" [ "$(count "$t/f.pcap")" -gt 0 ]
same "a filter over two files" <(body "$t/f.pcap") <(body "$t/f1.pcap")

# -c counts merged packets; read counts every file; --loop rewinds all
n1=$(count "$t/h1.pcap"); n2=$(count "$t/h2.pcap")
"$PKTLUA" -q -r "$t/h1.pcap" -r "$t/h2.pcap" -c 25 -w "$t/c.pcap"
same "-c 25 over two files: the first 25 merged" <(dump "$t/c.pcap") \
  <(dump "$t/flows.pcap" | head -25)
"$PKTLUA" --stats=json -r "$t/h1.pcap" -r "$t/h2.pcap" 2>"$t/st" >/dev/null
check "read counts both files: $(jsonfield "$t/st" read)" \
  [ "$(jsonfield "$t/st" read)" = $((n1 + n2)) ]
"$PKTLUA" --stats=json --loop 3 -r "$t/h1.pcap" -r "$t/h2.pcap" \
  2>"$t/st" >/dev/null
check "--loop 3 reads both files three times: $(jsonfield "$t/st" read)" \
  [ "$(jsonfield "$t/st" read)" = $((3 * (n1 + n2))) ]

# ties: every packet of both files at the same instant; the first -r's go
# first (mergecap 4.0 takes the last file's first: pktlua's order is
# mergecap's with the files reversed)
for f in "$t/flows.pcap" "$CAP_MIXED"; do
  "$PKTLUA" -q -r "$f" -e 'function packet (p, i) i.sec, i.nsec = 1000, 0 end' \
    -w "$t/tie-$(basename "$f")"
done
A=$t/tie-flows.pcap B=$t/tie-$(basename "$CAP_MIXED")
"$PKTLUA" -q -r "$A" -r "$B" -w "$t/ab.pcap"
"$PKTLUA" -q -r "$B" -r "$A" -w "$t/ba.pcap"
same "ties: the first file's packets first" <(body "$t/ab.pcap") \
  <(cat <(body "$A") <(body "$B"))
same "ties: in the order of the command line" <(body "$t/ba.pcap") \
  <(cat <(body "$B") <(body "$A"))
mergecap -F pcap -w "$t/mc.pcap" "$B" "$A"
same "ties as mergecap has them, the files reversed" <(body "$t/ab.pcap") \
  <(body "$t/mc.pcap")

# files of different link types into pcapng: each file's interfaces
# stay apart, every packet on its own file's interface
ng=("$CAP_NG" "$CAP_RAW_IPV4" "$CAP_SLL_NANO" "$CAP_NG_MIXED")
args=(); for f in "${ng[@]}"; do args+=(-r "$f"); done
"$PKTLUA" -q "${args[@]}" -w "$t/m.pcapng" 2>"$t/err"
check "pcapng out of four files (rc $?: $(head -c 200 "$t/err"))" \
  [ ! -s "$t/err" ]
fields() {
  tshark -r "$1" -T fields -e frame.time_epoch -e frame.encap_type \
    -e frame.len -e frame.cap_len 2>/dev/null
}
rev=(); for f in "${ng[@]}"; do rev=("$f" "${rev[@]}"); done
mergecap -F pcapng -w "$t/mc.pcapng" "${rev[@]}"  # their ties: see above
same "pcapng merge: the packets mergecap has, in its order" \
  <(fields "$t/m.pcapng") <(fields "$t/mc.pcapng")
ifs=$(tshark -r "$t/m.pcapng" -T fields -e frame.interface_id 2>/dev/null |
  sort -n | uniq | wc -l)
want=0
for f in "${ng[@]}"; do
  n=$(tshark -r "$f" -T fields -e frame.interface_id 2>/dev/null |
    sort -n | uniq | wc -l)
  want=$((want + n))
done
check "pcapng merge: an interface for each file's ($ifs, want $want)" \
  [ "$ifs" = "$want" ]
encaps=$(tshark -r "$t/m.pcapng" -T fields -e frame.encap_type 2>/dev/null |
  sort -u | wc -l)
check "pcapng merge keeps the link types ($encaps)" [ "$encaps" -ge 3 ]

# mixed link types into pcap: refused, naming the files
"$PKTLUA" -q -r "$CAP_MIXED" -r "$CAP_RAW_IPV4" -w "$t/x.pcap" 2>"$t/err"
rc=$?
check "mixed link types into pcap: exit 1 (rc $rc)" [ "$rc" = 1 ]
check "the refusal names both files: $(cat "$t/err")" \
  grep -q "$(basename "$CAP_MIXED").*$(basename "$CAP_RAW_IPV4")" "$t/err"

# a missing second file, a cut one: exit 1, naming it (and the packet)
"$PKTLUA" -q -r "$t/h1.pcap" -r "$t/nothere.pcap" -w "$t/x.pcap" 2>"$t/err"
rc=$?
check "a missing second file: exit 1 (rc $rc)" [ "$rc" = 1 ]
check "the message names it: $(cat "$t/err")" grep -q nothere.pcap "$t/err"
size=$(stat -c %s "$t/h2.pcap")
head -c $((size - 10)) "$t/h2.pcap" >"$t/cut.pcap"
"$PKTLUA" -q -r "$t/h1.pcap" -r "$t/cut.pcap" -w "$t/x.pcap" 2>"$t/err"
rc=$?
check "a cut second file: exit 1 (rc $rc)" [ "$rc" = 1 ]
check "the message names it and its packet: $(cat "$t/err")" \
  grep -q "cut.pcap: packet $n2:" "$t/err"
printf 'not a capture at all, no\n' >"$t/junk.pcap"
"$PKTLUA" -q -r "$t/h1.pcap" -r "$t/junk.pcap" 2>"$t/err"
rc=$?
check "a second file that is no capture: exit 1 (rc $rc)" [ "$rc" = 1 ]
check "the message names it: $(cat "$t/err")" grep -q junk.pcap "$t/err"

# standard input at most once, and not with --loop
"$PKTLUA" -q -r - -r - <"$t/h1.pcap" 2>"$t/err"
check "-r - twice: a usage error" [ $? = 2 ]
"$PKTLUA" -q --loop 2 -r "$t/h1.pcap" -r - <"$t/h2.pcap" 2>"$t/err"
check "--loop with -r - among the files: a usage error" [ $? = 2 ]
"$PKTLUA" -q -r "$t/h1.pcap" -r - -w "$t/m.pcap" <"$t/h2.pcap"
same "-r - merged with a file" <(body "$t/m.pcap") <(body "$t/flows.pcap")
# -w naming the second -r file
cp "$t/h2.pcap" "$t/keep.pcap"
"$PKTLUA" -q -r "$t/h1.pcap" -r "$t/keep.pcap" -w "$t/keep.pcap" 2>"$t/err"
check "-w naming the second -r file: a usage error" [ $? = 2 ]
same "... which is left alone" "$t/keep.pcap" "$t/h2.pcap"

finish
