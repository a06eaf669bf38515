#!/usr/bin/env bash
# The replay options' usage errors: exit 2 and a message naming them.
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
TMP=$(tmp)
"$PKTGEN" --udp64 3 -w "$TMP/c.pcap"

# usage WHAT PATTERN ARGS...: exit status 2 and PATTERN on stderr
usage() {
  local what=$1 pat=$2; shift 2
  "$PKTLUA" -q "$@" >/dev/null 2>"$TMP/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$pat" "$TMP/err"; then ok; else
    bad "$what: exit $rc, $(head -1 "$TMP/err")"
  fi
}
usage "--pps with -x" "-x and --pps exclude each other" -r "$TMP/c.pcap" -w "$TMP/o" -x 2 --pps 10
usage "--topspeed with --mbps" "--topspeed and --mbps exclude" -r "$TMP/c.pcap" -w "$TMP/o" --topspeed --mbps 1
usage "--timing=topspeed with -x" "--timing and -x exclude" -r "$TMP/c.pcap" -w "$TMP/o" --timing=topspeed -x 2
usage "--pps twice" "--pps and --pps exclude" -r "$TMP/c.pcap" -w "$TMP/o" --pps 1 --pps 2
usage "--timing=bogus" "is not original or topspeed" -r "$TMP/c.pcap" --timing=bogus
usage "-x 0" "out of range" -r "$TMP/c.pcap" -x 0
usage "-x nan" "not a number" -r "$TMP/c.pcap" -x nan
usage "--pps abc" "not a number" -r "$TMP/c.pcap" --pps abc
usage "--mbps -1" "out of range" -r "$TMP/c.pcap" --mbps=-1
usage "--loop -1" "out of range" -r "$TMP/c.pcap" --loop=-1
usage "--duration 0" "out of range" -r "$TMP/c.pcap" --duration=0
usage "--limit 0" "out of range" -r "$TMP/c.pcap" --limit=0
usage "--pps live" "--pps replays a file: it needs -r" -i lo --pps 10
usage "--loop live" "--loop replays a file: it needs -r" -i lo --loop=2
usage "--loop stdin" "standard input cannot be read again" -r - --loop=2 < "$TMP/c.pcap"
mkfifo "$TMP/fifo"
usage "--loop pipe" "not a regular file: it cannot be read again" -r "$TMP/fifo" --loop=2
# --timing=original and -x say the same thing: accepted together
"$PKTLUA" -q -r "$TMP/c.pcap" -w "$TMP/o" --timing=original -x 1000
check "--timing=original with -x: accepted" test $? -eq 0
"$PKTLUA" --help | grep -q -- "--loop=N"
check "--help names the replay options" test $? -eq 0
finish
