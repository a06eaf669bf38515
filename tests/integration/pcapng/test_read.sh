#!/usr/bin/env bash
# pcapng input (source_pcapng.c): every file tshark reads, pktlua reads
# too, with each packet's interface, link type, timestamp and comments in
# info, as tshark shows them: several interfaces of different link types,
# both byte orders, several sections, binary and decimal if_tsresol,
# if_tsoffset, simple and obsolete packet blocks, blocks to skip. BPF is
# compiled per link type. Broken blocks are errors naming their offset.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need tshark capinfos lua5.4
TMP=$(tmp)
MKNG=$(dirname "$0")/mkng.lua

# what pktlua sees: interface, name, time, comment (newlines as ","),
# link type, l3
SHOW='function packet (p, i)
  print(i.interface, i.ifname or "", string.format("%d.%09d", i.sec, i.nsec),
        (i.comment or ""):gsub("\n", ","), i.linktype, i.l3 or "-")
end'
see() { "$PKTLUA" -q -r "$1" -e "$SHOW" "${@:2}" 2>"$TMP/err"; }
# tshark's view of the same: time, comment, first protocol (records that
# are not packets, which tshark 4.0 lists for custom blocks, left out)
ts_see() {
  tshark -r "$1" -T fields -e frame.time_epoch -e frame.comment \
    -e frame.protocols 2>/dev/null | awk -F'\t' '$3 != "data"' |
    awk -F'\t' -v OFS='\t' '{ sub(/:.*/, "", $3); print }'
}
# ours in the same columns: time (empty for no timestamp), comment, eth/raw
our_see() {
  awk -F'\t' -v OFS='\t' '{
    t = ($3 == "0.000000000") ? "" : $3
    print t, $4, ($5 == 1 ? "eth" : $5 == 101 ? "raw" : $5) }'
}

if [ "$CORPUS" = generated ]; then
  for k in comments bigendian sections tsresol; do
    lua5.4 "$MKNG" "$k" "$TMP/$k.pcapng" >/dev/null || die "mkng $k"
    see "$TMP/$k.pcapng" > "$TMP/$k.ours"; rc=$?
    check "$k: reads to the end (exit $rc: $(head -c 200 "$TMP/err"))" test $rc -eq 0
    our_see < "$TMP/$k.ours" > "$TMP/$k.a"
    ts_see "$TMP/$k.pcapng" > "$TMP/$k.b"
    same "$k: times, comments and link types as tshark shows them" "$TMP/$k.a" "$TMP/$k.b"
  done
  # interfaces and their names, as tshark numbers them in one section
  for k in comments bigendian tsresol; do
    cut -f1,2 "$TMP/$k.ours" > "$TMP/$k.ifa"
    tshark -r "$TMP/$k.pcapng" -T fields -e frame.protocols \
      -e frame.interface_id -e frame.interface_name 2>/dev/null |
      awk -F'\t' -v OFS='\t' '$1 != "data" { print $2, $3 }' > "$TMP/$k.ifb"
    same "$k: info.interface and info.ifname as tshark's" "$TMP/$k.ifa" "$TMP/$k.ifb"
  done
  check "comments: l3 per link type (Ethernet 15, raw 1)" \
    [ "$(cut -f5,6 "$TMP/comments.ours" | sort -u | tr '\n' ' ')" = "1	15 101	1 " ]
  check "comments: two comments joined by a newline" \
    grep -q "two,comments" "$TMP/comments.ours"
  # several sections: numbers go on across sections (tshark 4.0 numbers
  # within a section)
  check "sections: interfaces 0, 2, 1 (a0; b1, b0 of section 2)" \
    [ "$(cut -f1,2 "$TMP/sections.ours" | tr '\t\n' ': ')" = "0:a0 2:b1 1:b0 " ]

  # BPF, compiled for each interface's link type
  see "$TMP/comments.pcapng" udp src port 1002 > "$TMP/bpf"
  check "BPF on a raw-IP interface selects its packet" \
    [ "$(cut -f1,5 "$TMP/bpf" | tr '\t\n' ': ')" = "1:101 " ]
  see "$TMP/comments.pcapng" udp src port 1003 > "$TMP/bpf"
  check "BPF on an Ethernet interface selects its packet" \
    [ "$(cut -f1,5 "$TMP/bpf" | tr '\t\n' ': ')" = "0:1 " ]
  see "$TMP/comments.pcapng" ether host 02:02:02:02:02:02; rc=$?
  check "a filter one link type cannot take: exit 2, names the interface" \
    test $rc -eq 2 -a -n "$(grep "for interface 1 (link type RAW)" "$TMP/err")"

  # hostile blocks: exit 1, the block's offset in the message
  for k in bad-trailer bad-caplen bad-option bad-length bad-short bad-ifid \
           bad-cut bad-bom bad-tsresol; do
    at=$(lua5.4 "$MKNG" "$k" "$TMP/$k.pcapng") || die "mkng $k"
    see "$TMP/$k.pcapng" > /dev/null; rc=$?
    check "$k: exit 1 naming offset $at ($(head -c 160 "$TMP/err"))" \
      test $rc -eq 1 -a -n "$(grep "pcapng block at offset $at: " "$TMP/err")"
  done
fi

# every pcapng of the corpus: as many packets as tshark, each with the
# link type of its interface
for f in "$CAPS"/*.pcapng; do
  b=$(basename "$f")
  see "$f" > "$TMP/ours"; rc=$?
  check "$b: reads to the end (exit $rc)" test $rc -eq 0
  tshark -r "$f" -T fields -e frame.interface_id -e frame.protocols 2>/dev/null |
    awk -F'\t' '$2 != "data" { sub(/:.*/, "", $2); print $2 }' > "$TMP/theirs"
  our_see < "$TMP/ours" | cut -f3 | sed 's/^113$/sll/' > "$TMP/mine"
  same "$b: every packet, each with its own link type" "$TMP/mine" "$TMP/theirs"
done
see "$CAP_NG_MIXED" > "$TMP/mixed"; rc=$?
check "$(basename "$CAP_NG_MIXED"): exit 0" test $rc -eq 0
check "$(basename "$CAP_NG_MIXED"): $(wc -l < "$TMP/mixed") packets, as capinfos counts" \
  [ "$(wc -l < "$TMP/mixed")" -eq "$(capinfos -c -M "$CAP_NG_MIXED" 2>/dev/null | awk '/Number of packets/ { print $NF }')" ]

# a pcap output of several link types is refused up front, nothing read
"$PKTLUA" -q -r "$CAP_NG_MIXED" -w "$TMP/o.pcap" 2>"$TMP/err"; rc=$?
if [ "$(capinfos -M "$CAP_NG_MIXED" 2>/dev/null | grep -c 'Encapsulation = ')" -gt 0 ] &&
   capinfos "$CAP_NG_MIXED" 2>/dev/null | grep -q 'Per packet'; then
  check "pcap output of a mixed input: exit 1, says why" \
    test $rc -eq 1 -a -n "$(grep 'several link types' "$TMP/err")"
fi
finish
