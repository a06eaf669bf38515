#!/usr/bin/env bash
# dnsname.lua: over the generated DNS capture (UDP and TCP, IPv4 and IPv6,
# compressed and mixed-case names), the queries kept are exactly those
# tshark finds for dns.qry.name under the listed domains; over the hostile
# one (pointer loops, bad pointers, overlong labels and names, cut
# questions) the run ends, without script errors, keeping only its one good
# query; the domains from a file; invert=1; bad arguments refused.
. "$(dirname "$0")/../lib.sh"
need tshark
need_pktlua
t=$(tmp)
LAST_ERR=$t/err
dns=$GENERATED/dns.pcap hostile=$GENERATED/dns-hostile.pcap
[ -f "$dns" ] || die "no $dns (cmake --build builds the corpus)"

# frames IN: the frame numbers tshark keeps for the domains example.com and
# www.foo.org (DNS to or from port 53, queries, a question under one)
want() {
  tshark -r "$1" -n -Y '(udp.port == 53 || tcp.port == 53) && dns.flags.response == 0 &&
    (dns.qry.name matches "(?i)(^|\\.)example\\.com$" || dns.qry.name matches "(?i)(^|\\.)www\\.foo\\.org$")' \
    -T fields -e frame.number 2>/dev/null
}
# kept IN OUT: the input's frame numbers of the frames in OUT (by content)
kept() {
  tshark -r "$1" -n -T fields -e frame.number -e frame.time_epoch 2>/dev/null | sort -k2 >"$t/in.idx"
  tshark -r "$2" -n -T fields -e frame.time_epoch 2>/dev/null | sort >"$t/out.idx"
  join -1 2 -2 1 "$t/in.idx" "$t/out.idx" | awk '{ print $2 }' | sort -n
}

run_pktlua -r "$dns" -w "$t/out.pcap" -f "$EXAMPLES/dnsname.lua" -a names=example.com,www.foo.org \
  || bad "dns.pcap run: $(cat "$LAST_ERR")"
want "$dns" | sort -n >"$t/want"
kept "$dns" "$t/out.pcap" >"$t/got"
same "dns.pcap: the queries tshark names ($(wc -l <"$t/want"))" "$t/want" "$t/got"
check "dns.pcap: over UDP and TCP, IPv4 and IPv6" \
  [ "$(tshark -r "$t/out.pcap" -n -T fields -e ip.version -e ipv6.src -e tcp.port -e udp.port 2>/dev/null |
       awk -F'\t' '{ print ($1 == 4 ? 4 : 6) ($3 != "" ? "t" : "u") }' | sort -u | wc -l)" -eq 4 ]
check "dns.pcap: the compressed www.foo.org kept" \
  [ "$(tshark -r "$t/out.pcap" -n -Y 'dns.id == 0x200' 2>/dev/null | wc -l)" -eq 2 ]

# hostile input: bounded, no script error, only the good query
timeout 20 "$PKTLUA" -r "$hostile" -w "$t/h.pcap" -f "$EXAMPLES/dnsname.lua" -a names=example.com,www.foo.org 2>"$t/herr"
rc=$?
check "dns-hostile.pcap: ends with status 0 ($rc: $(tail -1 "$t/herr"))" [ "$rc" -eq 0 ]
check "dns-hostile.pcap: no script errors" grep -q ', 0 script errors' "$t/herr"
check "dns-hostile.pcap: only the good query kept" \
  [ "$(tshark -r "$t/h.pcap" -n -T fields -e dns.qry.name 2>/dev/null)" = ok.example.com ]

# a file of domains, comments and blank lines; invert=1 keeps the rest
printf '# domains\nEXAMPLE.com.\n\nwww.foo.org\n' >"$t/list"
run_pktlua -r "$dns" -w "$t/f.pcap" -f "$EXAMPLES/dnsname.lua" -a "file=$t/list" || bad "file= run"
check "file=: the same output" cmp -s "$t/out.pcap" "$t/f.pcap"
run_pktlua -r "$dns" -w "$t/i.pcap" -f "$EXAMPLES/dnsname.lua" -a names=example.com,www.foo.org -a invert=1 || bad "invert run"
check "invert=1: the other frames" [ $(( $(count "$t/i.pcap") + $(wc -l <"$t/want") )) -eq "$(count "$dns")" ]
run_pktlua -r "$dns" -w "$t/x.pcap" -f "$EXAMPLES/dnsname.lua" -a names=foo.org
check "names=foo.org: foo.org, mail.foo.org and www.foo.org ($(count "$t/x.pcap"))" [ "$(count "$t/x.pcap")" -eq 8 ]

for a in "" names=a..b "file=$t/nonexistent"; do
  run_pktlua -r "$dns" -w "$t/x.pcap" -f "$EXAMPLES/dnsname.lua" ${a:+-a "$a"}
  rc=$?
  check "-a '$a' refused (status $rc)" [ "$rc" -eq 2 ] && grep -q 'dnsname.lua' "$LAST_ERR"
done
finish
