#!/usr/bin/env bash
# pcapng output (sink_pcapng.c): -w FILE.pcapng or --format=pcapng writes
# one interface block per input interface (link type, snaplen, name,
# resolution kept) and each packet with its comments; a script sets a
# packet's comment with info.comment. Checked with tshark and capinfos:
# pcapng in, pcapng out gives the same interfaces, link types, timestamps
# and comments; pcap in, pcapng out the same packets and times.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need tshark capinfos lua5.4 tcpdump
TMP=$(tmp)
MKNG=$(dirname "$0")/mkng.lua

# what tshark sees of a file: interface, its name, time, comment,
# protocols, lengths (not the records tshark 4.0 shows for custom blocks)
view() {
  tshark -r "$1" -T fields -e frame.interface_id -e frame.interface_name \
    -e frame.time_epoch -e frame.comment -e frame.protocols -e frame.len \
    -e frame.cap_len 2>/dev/null | awk -F'\t' '$5 != "data"'
}
# capinfos's interface lines: name, description, link type, snaplen, unit
ifaces() {
  capinfos -M "$1" 2>/dev/null |
    grep -E '^ *(Name|Description|Encapsulation|Capture length|Time precision) = '
}
filetype() { capinfos -t "$1" 2>/dev/null | awk -F': *' '/File type/ { print $2 }'; }

if [ "$CORPUS" = generated ]; then
  # round trips over one section (several sections become one: tshark 4.0
  # numbers interfaces per section, so those are compared by our reader)
  for k in comments bigendian tsresol; do
    lua5.4 "$MKNG" "$k" "$TMP/$k.pcapng" >/dev/null || die "mkng $k"
    run_pktlua -r "$TMP/$k.pcapng" -w "$TMP/$k.out.pcapng"; rc=$?
    check "$k: pcapng to pcapng, exit $rc" test $rc -eq 0
    check "$k: the output is pcapng" [ "$(filetype "$TMP/$k.out.pcapng")" = "Wireshark/... - pcapng" ]
    # a simple packet block has no timestamp; ours says 0
    view "$TMP/$k.pcapng" | awk -F'\t' -v OFS='\t' '$3 == "" { $3 = "0.000000000" } 1' > "$TMP/a"
    view "$TMP/$k.out.pcapng" > "$TMP/b"
    same "$k: interfaces, names, times, comments, link types as tshark sees them" "$TMP/a" "$TMP/b"
    ifaces "$TMP/$k.pcapng" > "$TMP/ia"
    ifaces "$TMP/$k.out.pcapng" > "$TMP/ib"
    same "$k: every interface block kept (capinfos)" "$TMP/ia" "$TMP/ib"
    run_pktlua -r "$TMP/$k.out.pcapng" -w "$TMP/$k.again.pcapng"
    check "$k: our own output copies byte for byte" cmp -s "$TMP/$k.out.pcapng" "$TMP/$k.again.pcapng"
  done
  lua5.4 "$MKNG" sections "$TMP/sections.pcapng" >/dev/null
  run_pktlua -r "$TMP/sections.pcapng" -w "$TMP/sections.out.pcapng"
  check "sections: one section, three interfaces (capinfos)" \
    [ "$(capinfos -M "$TMP/sections.out.pcapng" 2>/dev/null | grep -c 'Interface #')" -eq 3 ]
  check "sections: packets on interfaces 0, 2, 1 with their link types" \
    [ "$(tshark -r "$TMP/sections.out.pcapng" -T fields -e frame.interface_id -e frame.protocols 2>/dev/null |
         sed 's/:.*//' | tr '\t\n' ': ')" = "0:eth 2:eth 1:raw " ]

  # the script's comments: set, replaced, removed
  LAST_ERR=$TMP/err
  run_pktlua -r "$TMP/comments.pcapng" -w "$TMP/c.pcapng" -e '
    function packet (p, i)
      if i.comment == "raw" then i.comment = nil
      elseif i.interface == 1 then i.comment = "len " .. i.caplen .. "\nsecond" end
      assert(i.comment ~= "raw")
    end'
  check "info.comment: set, two lines are two comments, nil removes" \
    [ "$(tshark -r "$TMP/c.pcapng" -T fields -e frame.comment 2>/dev/null | awk -F'\t' '$0 != ""' | tr '\n' '|')" = \
      "first packet|len 38,second|two,comments|len 38,second|" ]
  run_pktlua -r "$TMP/comments.pcapng" -e 'function packet (p, i) i.comment = 5 end'
  check "info.comment = 5 is a script error on every packet" \
    grep -q "info.comment: a string or nil, not a number" "$LAST_ERR"
  run_pktlua -r "$TMP/comments.pcapng" -e 'function packet (p, i) i.interface = 5 end'
  check "info.interface is read-only" grep -q "info.interface is read-only" "$TMP/err"

  # the format: by name, --format, or the input's link types
  run_pktlua -r "$TMP/comments.pcapng" -w "$TMP/noext"
  check "several link types, no known extension: pcapng" [ "$(filetype "$TMP/noext")" = "Wireshark/... - pcapng" ]
  run_pktlua -r "$TMP/comments.pcapng" --format=pcap -w "$TMP/x.pcapng"; rc=$?
  check "several link types, --format=pcap: exit 1, says why" \
    test $rc -eq 1 -a -n "$(grep 'several link types (EN10MB, RAW)' "$TMP/err")"
  check "... and leaves no file" test ! -e "$TMP/x.pcapng"
  run_pktlua -r "$CAP_LONG" --format=pcapng -w "$TMP/long"
  check "--format=pcapng whatever the name" [ "$(filetype "$TMP/long")" = "Wireshark/... - pcapng" ]
  run_pktlua -r "$CAP_NG" --format=pcap -w "$TMP/one.pcapng"
  check "--format=pcap whatever the name (nanoseconds, as pcapng is read)" \
    [ "$(filetype "$TMP/one.pcapng")" = "Wireshark/tcpdump/... - nanosecond pcap" ]
  run_pktlua -r "$CAP_LONG" --format=pcapx -w "$TMP/bad"; rc=$?
  check "--format=pcapx: usage error" test $rc -eq 2 -a -n "$(grep "'pcapx' is not pcap or pcapng" "$TMP/err")"
  run_pktlua -r "$CAP_NG" -w - | tshark -r - -T fields -e frame.number > "$TMP/stdout" 2>/dev/null
  check "-w - writes pcap for a pcapng input of one link type" \
    [ "$(wc -l < "$TMP/stdout")" -eq "$(count "$CAP_NG")" ]
  run_pktlua -r "$TMP/comments.pcapng" --format=pcapng -w - | tshark -r - -T fields -e frame.comment 2>/dev/null > "$TMP/stdout"
  check "--format=pcapng -w -: comments through a pipe" grep -q "first packet" "$TMP/stdout"
fi

# every capture: as pcapng, the same packets and times as tcpdump reads
# them, the input's link type and unit
for f in $(captures); do
  b=$(basename "$f")
  run_pktlua -r "$f" -w "$TMP/o.pcapng"; rc=$?
  if [ $rc -ne 0 ]; then bad "$b: to pcapng, exit $rc ($(head -c 200 "$TMP/err"))"; continue; fi
  same "$b: to pcapng, the same packets and times (tcpdump)" <(dump "$f") <(dump "$TMP/o.pcapng")
done
run_pktlua -r "$CAP_NG_MIXED" -w "$TMP/mixed.pcapng"; rc=$?
check "$(basename "$CAP_NG_MIXED"): to pcapng, exit $rc" test $rc -eq 0
same "$(basename "$CAP_NG_MIXED"): interfaces, times, link types, comments" \
  <(view "$CAP_NG_MIXED") <(view "$TMP/mixed.pcapng")
same "$(basename "$CAP_NG_MIXED"): every interface block (capinfos)" \
  <(ifaces "$CAP_NG_MIXED") <(ifaces "$TMP/mixed.pcapng")
finish
