#!/usr/bin/env bash
# A DNS parser written with memory.reader (dns.lua), run by the real pktlua
# over the bundled captures: the questions and answers it finds are those
# tcpdump prints (ids, query or response, question names), a truncated
# answer included.
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
t=$(tmp)
LAST_ERR=$t/err
here=$(dirname "$0")
for cap in ipv4 ipv6 vlan; do
  f=$CAPTURES/$cap.pcap
  if run_pktlua -r "$f" -w /dev/null -f "$here/dns.lua" >"$t/got"; then ok
  else bad "$cap: pktlua failed: $(cat "$LAST_ERR")"; fi
  check "$cap: no script errors: $(head -c 200 "$LAST_ERR")" [ ! -s "$LAST_ERR" ]
  # tcpdump: "ID+ A? NAME. (LEN)" for a question, "ID N/N/N ..." for an answer
  tcpdump -nr "$f" 2>/dev/null | sed -nE \
    -e 's/.*\.53: ([0-9]+)\+? [A-Z]+\? ([^ ]+) .*/\1\tquery\t\2/p' \
    -e 's/.*\.53 > [^ ]+: ([0-9]+)[*-]? [0-9]+\/[0-9]+\/[0-9]+.*/\1\tresponse/p' \
    >"$t/want"
  same "$cap: what tcpdump sees" "$t/want" "$t/got"
  check "$cap: some DNS ($(wc -l <"$t/got"))" [ -s "$t/got" ]
done
finish
