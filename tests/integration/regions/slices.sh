#!/usr/bin/env bash
# A script keeping a slice of `pkt` across packets (keep_slice.lua), run by
# the real pktlua over generated captures: the kept slice, a layout pointer
# on it and a reader over it show nothing in later packets, fresh slices
# (and layout pointers on them: on the IP header, the fields a pointer on
# pkt at info.l3 reads) show the packet's bytes, and the output is the
# input unchanged.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
t=$(tmp)
LAST_ERR=$t/err
here=$(dirname "$0")

# --udp64: every packet the same length, so the kept slice's block often
# has the same address and length as the next packet's
for gen in "--udp64 500" "--mixed 300"; do
  # shellcheck disable=SC2086
  "$PKTGEN" $gen -w "$t/in.pcap" || die "pktgen $gen failed"
  if run_pktlua -r "$t/in.pcap" -w "$t/out.pcap" -f "$here/keep_slice.lua" \
       >"$t/out.txt"; then
    ok
  else
    bad "pktgen $gen: pktlua failed: $(cat "$LAST_ERR")"
  fi
  n=$(wc -l <"$t/out.txt")
  check "pktgen $gen: one finish line ($n)" [ "$n" = 1 ]
  want="packets ${gen##* } bad 0"
  out=$(cat "$t/out.txt")
  check "pktgen $gen: $out $(head -c 300 "$LAST_ERR")" \
    [ "${out% ip *}" = "$want" ]
  ipn=${out##* ip }
  check "pktgen $gen: IPv4 packets seen through slices ($ipn)" \
    [ "$ipn" -gt 0 ]
  [ "$gen" = "--udp64 500" ] &&
    check "pktgen $gen: every packet IPv4 ($ipn)" [ "$ipn" = 500 ]
  check "pktgen $gen: no errors: $(head -c 300 "$LAST_ERR")" [ ! -s "$LAST_ERR" ]
  check "pktgen $gen: output unchanged" cmp -s "$t/in.pcap" "$t/out.pcap"
done
finish
