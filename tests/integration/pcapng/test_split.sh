#!/usr/bin/env bash
# Several outputs chosen by the script (-w NAME=FILE, verdicts naming
# outputs) and the example lua/examples/split.lua: each capture of the
# corpus split by protocol, each output holding exactly the packets of its
# protocol as tshark decodes them, in order; pcap and pcapng outputs
# mixed; unknown names reported once and counted; statistics per output.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need tshark tcpdump
TMP=$(tmp)
SPLIT=$EXAMPLES/split.lua
LAST_ERR=$TMP/err

# expected class per frame from tshark: tcp, udp, icmp, other; "t" for an
# IP header cut short (the script may or may not see its protocol)
classes() {
  ip_frames "$1" | awk -F'\t' '{
    c = "other"
    if ($2 == "t") c = "t"
    else if ($2 == 4 || $2 == 6) {
      if ($4 == 6) c = "tcp"; else if ($4 == 17) c = "udp"
      else if ($4 == 1 || $4 == 58) c = "icmp"
    }
    print c }'
}

# one line per frame: time and length (not the protocols: tshark decodes
# some packets by what came before them, which the split changes; not the
# captured length: a pcap file whose header says snaplen 1 but holds
# 8-byte records gives a pcapng interface of snaplen 1, which tshark
# applies)
frames() {
  tshark -r "$1" -T fields -e frame.time_epoch -e frame.len 2>/dev/null
}

for f in $(captures) "$CAP_NG_MIXED"; do
  b=$(basename "$f")
  classes "$f" > "$TMP/classes"
  grep -q '^t$' "$TMP/classes" && continue  # not decided by tshark alone
  rm -f "$TMP"/o.*
  run_pktlua -r "$f" -f "$SPLIT" -a all=1 -w "$TMP/o.all.pcapng" \
    -w tcp="$TMP/o.tcp.pcapng" -w udp="$TMP/o.udp.pcap" \
    -w icmp="$TMP/o.icmp.pcapng" -w other="$TMP/o.other.pcapng" --stats=json
  rc=$?
  # a pcap output cannot hold several link types
  if [ $rc -ne 0 ] && grep -q 'several link types' "$TMP/err"; then
    run_pktlua -r "$f" -f "$SPLIT" -a all=1 -w "$TMP/o.all.pcapng" \
      -w tcp="$TMP/o.tcp.pcapng" -w udp="$TMP/o.udp.pcapng" \
      -w icmp="$TMP/o.icmp.pcapng" -w other="$TMP/o.other.pcapng" --stats=json
    rc=$?
  fi
  check "$b: exit $rc" test $rc -eq 0
  same "$b: the default output (-a all=1) has every packet" \
    <(dump "$f") <(dump "$TMP/o.all.pcapng")
  # each output is the input's packets of its class, in order
  frames "$f" | paste "$TMP/classes" - > "$TMP/labelled"
  for c in tcp udp icmp other; do
    o=$(ls "$TMP"/o.$c.* | head -1)
    awk -F'\t' -v c=$c '$1 == c' "$TMP/labelled" | cut -f2- > "$TMP/want"
    frames "$o" > "$TMP/got"
    want=$(wc -l < "$TMP/want")
    same "$b: $c: the very packets, in order ($want)" "$TMP/want" "$TMP/got"
    check "$b: $c: --stats=json says $want" test "$(grep -o '"outputs":{[^}]*}' "$TMP/err" | grep -o "\"$c\":[0-9]*")" = "\"$c\":$want"
  done
done

# verdicts: a name, a list, true (default), false; unknown names are one
# error line each, repeats counted
run_pktlua -r "$CAP_MIXED" -w "$TMP/d.pcap" -w a="$TMP/a.pcap" -w b="$TMP/b.pcapng" \
  --stats=json -e '
  local n = 0
  function packet ()
    n = n + 1
    if n % 5 == 0 then return false end
    if n % 5 == 1 then return "a" end
    if n % 5 == 2 then return {"a", "b", "default"} end
    if n % 5 == 3 then return "nowhere" end
    return { "b", "elsewhere", 3 }
  end'
total=$(count "$CAP_MIXED")
k() { seq "$total" | awk -v r="$1" '$1 % 5 == r' | wc -l; }  # n % 5 == $1
check "verdict 'a' and {a, b, default}: $(count "$TMP/a.pcap") in a" \
  test "$(count "$TMP/a.pcap")" -eq $(( $(k 1) + $(k 2) ))
check "verdict {a, b, default} and {b, ...}: $(count "$TMP/b.pcapng") in b" \
  test "$(count "$TMP/b.pcapng")" -eq $(( $(k 2) + $(k 4) ))
check "default gets only the packets that name it" test "$(count "$TMP/d.pcap")" -eq "$(k 2)"
check "one line for 'nowhere'" test "$(grep -c "no output named 'nowhere' (outputs: default, a, b)" "$TMP/err")" -le 2
check "one line for 'elsewhere'" grep -q "no output named 'elsewhere'" "$TMP/err"
check "a number in the list is said" grep -q "a list of output names holds a number" "$TMP/err"
check "unknown names counted: $(jsonfield "$TMP/err" unknown_outputs)" \
  test "$(jsonfield "$TMP/err" unknown_outputs)" -eq $(( $(k 3) + 2 * $(k 4) ))
check "dropped: false and 'nowhere' alone" \
  test "$(jsonfield "$TMP/err" dropped)" -eq $(( $(k 0) + $(k 3) ))

# -w NAME=FILE usage
run_pktlua -r "$CAP_MIXED" -w a="$TMP/x" -w a="$TMP/y"; rc=$?
check "a name twice: exit 2" test $rc -eq 2 -a -n "$(grep "output 'a' is already" "$TMP/err")"
run_pktlua -r "$CAP_MIXED" -w "$TMP/x" -w default="$TMP/y"; rc=$?
check "-w FILE and -w default=FILE: exit 2" test $rc -eq 2
run_pktlua -r "$CAP_MIXED" -w - -w b=-; rc=$?
check "two outputs on standard output: exit 2" test $rc -eq 2
run_pktlua -r "$CAP_MIXED" -w "$TMP/./a=b.pcap" -e 'function packet () return true end'; rc=$?
check "a file name with '=' after a '/' is a plain file" test $rc -eq 0 -a -f "$TMP/a=b.pcap"
run_pktlua -r "$CAP_MIXED" -w x="$CAP_MIXED"; rc=$?
check "a named output over the input is refused: exit 2" test $rc -eq 2
finish
