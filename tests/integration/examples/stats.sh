#!/usr/bin/env bash
# stats.lua: over every capture, the report (packets and bytes per IP
# version and protocol, truncated IP, non-IP, and every talker with -a top=0)
# equals the same counts made here from tshark's decoding; every packet
# passes unchanged; top=N and out=FILE work.
. "$(dirname "$0")/../lib.sh"
need tcpdump tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err

# expected report from ip_frames output, in the layout stats.lua prints
expected() {
  awk -F'\t' '
    BEGIN { split("1 ICMP 2 IGMP 4 IPIP 6 TCP 17 UDP 41 IPv6 47 GRE 50 ESP 51 AH 58 ICMPv6 89 OSPF 103 PIM 112 VRRP 132 SCTP", a, " ")
            for (i = 1; i < length(a); i += 2) name[a[i]] = a[i + 1] }
    { n++; b += $7
      if ($2 == 4 || $2 == 6) {
        vp[$2]++; vb[$2] += $7; pp[$2, $4]++; pb[$2, $4] += $7
        tp[$5]++; tb[$5] += $7
      } else if ($2 == "t") { trp++; trb += $7 } else { nip++; nib += $7 } }
    END {
      printf "%-16s %12s %14s\n", "protocol", "packets", "bytes"
      printf "%-16s %12d %14d\n", "all", n, b
      for (v = 4; v <= 6; v += 2) {
        printf "%-16s %12d %14d\n", "IPv" v, vp[v], vb[v]
        for (p = 0; p < 256; p++) if (pp[v, p])
          printf "%-16s %12d %14d\n", "  " (p in name ? name[p] : "proto " p), pp[v, p], pb[v, p]
      }
      printf "%-16s %12d %14d\n", "truncated IP", trp, trb
      printf "%-16s %12d %14d\n", "non-IP", nip, nib
      for (s in tp) k++
      printf "\ntop %d of %d talkers, by bytes sent\n", k, k
      printf "  %-39s %12s %14s\n", "source", "packets", "bytes"
      for (s in tp) printf "  %-39s %12d %14d\n", s, tp[s], tb[s] | "sort -k3,3nr -k2,2nr -k1,1"
    }'
}

for f in $(captures); do
  name=$(basename "$f")
  if ! run_pktlua -r "$f" -w "$t/out.pcap" -f "$EXAMPLES/stats.lua" -a top=0 >"$t/report"; then
    bad "$name: stats.lua failed: $(cat "$LAST_ERR")"; continue
  fi
  ip_frames "$f" | expected >"$t/want"
  same "$name: report = tshark's counts" "$t/want" "$t/report"
  same "$name: every packet passes unchanged" \
    <(tcpdump -nn -tt -xx -r "$f" 2>/dev/null) <(tcpdump -nn -tt -xx -r "$t/out.pcap" 2>/dev/null)
done

# top=N lists the N first talkers; out=FILE takes the report off stdout
f=$CAPTURES/ipv4.pcap
run_pktlua -r "$f" -f "$EXAMPLES/stats.lua" -a top=0 >"$t/all" || bad "top=0 run"
run_pktlua -r "$f" -f "$EXAMPLES/stats.lua" -a top=3 >"$t/top3" || bad "top=3 run"
check "top=3: the report's head and 3 talkers" \
  [ "$(head -n $(( $(grep -n '^  source' "$t/all" | cut -d: -f1) + 3 )) "$t/all" | grep -v '^top')" = "$(grep -v '^top' "$t/top3")" ]
check "top=3: says 3 of all" grep -q '^top 3 of 8 talkers' "$t/top3"
run_pktlua -r "$f" -w - -f "$EXAMPLES/stats.lua" -a top=0 -a "out=$t/rep.txt" >"$t/pipe.pcap" || bad "out= run"
same "out=FILE holds the report" "$t/all" "$t/rep.txt"
check "with -w - and out=FILE, stdout is a clean capture" \
  [ "$(tcpdump -nn -r "$t/pipe.pcap" 2>/dev/null | wc -l)" -eq 25 ]
run_pktlua -r "$f" -f "$EXAMPLES/stats.lua" -a top=-1
check "top=-1 refused (status 2)" [ $? -eq 2 ]
run_pktlua -r "$f" -f "$EXAMPLES/stats.lua" -a out=/nonexistent/dir/report
rc=$?
check "out= in a missing directory refused (status $rc: $(cat "$LAST_ERR"))" \
  [ "$rc" -eq 2 ] && grep -q 'stats.lua: /nonexistent/dir/report' "$LAST_ERR"
finish
