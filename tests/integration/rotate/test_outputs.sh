#!/usr/bin/env bash
# Named outputs rotate each on its own (-w NAME=FILE with -C/-G/-W): each
# has its own files, numbers and -W ring; a -G period ends on an output
# that no packet goes to (its files keep coming, empty), and a pcap and a
# pcapng output rotate side by side.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rot.sh"
export TZ=UTC
timed "$TMP/t.pcap"


# the first three packets go to "a" (pcap), the others to "b" (pcapng);
# -G 10 on the packets' clock: "a" still gets a file per period after its
# last packet, "b" gets the periods before its first
d=$TMP/g; mkdir -p "$d"
PKTLUA_ROTATE_CLOCK=packet run_pktlua -r "$TMP/t.pcap" -G 10 \
  -w a="$d/a-%M%S.pcap" -w b="$d/b-%M%S.pcapng" \
  -e 'local n = 0 function packet () n = n + 1 return n <= 3 and "a" or "b" end'
check "two outputs -G 10: exit 0" test $? -eq 0
got=$(list "$d" a-)
check "output a: a file per period to the end ($got)" \
  test "$got" = "a-0000.pcap:3 a-0010.pcap:0 a-0020.pcap:0 a-0030.pcap:0 a-0040.pcap:0 a-0050.pcap:0 a-0100.pcap:0 "
got=$(list "$d" b-)
check "output b: a file per period from the start ($got)" \
  test "$got" = "b-0000.pcapng:0 b-0010.pcapng:0 b-0020.pcapng:0 b-0030.pcapng:2 b-0040.pcapng:1 b-0050.pcapng:0 b-0100.pcapng:2 "

# -C with -W: each output its own ring and numbers; the big output
# rotates, the small one does not
d=$TMP/c; mkdir -p "$d"
run_pktlua -r "$CAP_LONG" -C 100k -W 2 -w big="$d/big.pcap" -w small="$d/small.pcapng" \
  -e 'local n = 0 function packet () n = n + 1 return n % 100 == 0 and "small" or "big" end'
check "two outputs -C -W: exit 0" test $? -eq 0
check "the big output: its ring of two" test "$(cd "$d" && ls big*)" = "$(printf 'big.pcap0\nbig.pcap1')"
check "the small output: one file, numbered as a ring's first" test "$(cd "$d" && ls small*)" = "small.pcapng0"
s=$(packets "$d/small.pcapng0")
check "the small output: every hundredth packet ($s)" test "$s" -eq $(( $(count "$CAP_LONG") / 100 ))
for f in "$d"/*; do whole "$f" || bad "$(basename "$f") torn"; done
finish
