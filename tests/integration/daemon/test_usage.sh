#!/usr/bin/env bash
# --help, --version, the man page, and command-line errors (exit 2).
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
man=$(cd "$(dirname "$0")/../../.." && pwd)/doc/pktlua.1
f=$CAP_MIXED

"$PKTLUA" --help > "$TMP/help"; rc=$?
check "--help: exit 0" test $rc -eq 0
"$PKTLUA" -h > "$TMP/h"
check "-h is --help" cmp -s "$TMP/help" "$TMP/h"
opts="-r -i -w -o -U -f -e -a -c -s -B -p -Z -q -v --stats=json --on-error --max-instructions --max-lua-memory --help --version"
for o in $opts; do
  check "--help documents $o" grep -q -- "$o\\b" "$TMP/help"
  check "the man page documents $o" grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$man"
done
"$PKTLUA" --version > "$TMP/v"; rc=$?
check "--version: exit 0, names pktlua, Lua and libpcap" \
  test $rc -eq 0 -a "$(grep -c -e '^pktlua ' -e '^Lua 5.4' -e 'libpcap' "$TMP/v")" -eq 3
if command -v man >/dev/null && command -v groff >/dev/null; then
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" > "$TMP/man.txt" 2> "$TMP/man.err"
  check "the man page renders without warnings" test ! -s "$TMP/man.err" -a -s "$TMP/man.txt"
  for s in NAME SYNOPSIS OPTIONS "THE SCRIPT" ERRORS SIGNALS "EXIT STATUS" EXAMPLES; do
    check "the man page has $s" grep -q "^$s" "$TMP/man.txt"
  done
fi

usage () {  # usage DESCRIPTION WORD-IN-MESSAGE ARGS...
  local d=$1 w=$2; shift 2
  "$PKTLUA" "$@" > /dev/null 2> "$TMP/err"; local rc=$?
  check "$d: exit 2 and a message with '$w'" test $rc -eq 2 -a -n "$(grep -F -- "$w" "$TMP/err")"
}
usage "no input" "no input" -w "$TMP/o.pcap"
usage "-r and -i" "exclude" -r "$f" -i lo
usage "-f and -e" "exclude" -r "$f" -f x.lua -e 'x'
usage "unknown option" "unknown option -X" -r "$f" -X
usage "unknown long option" "unknown option --frobnicate" -r "$f" --frobnicate
usage "missing argument" "needs an argument" -r
usage "-c 0" "out of range" -r "$f" -c 0
usage "-c abc" "not a number" -r "$f" -c abc
usage "-c 12x" "not a number" -r "$f" -c 12x
usage "-c huge" "out of range" -r "$f" -c 99999999999999999999999
usage "-s -1" "out of range" -r "$f" -s -1
usage "-s too big" "out of range" -r "$f" -s 262145
usage "-B 0" "out of range" -r "$f" -B 0
usage "--stats=xml" "not json" -r "$f" --stats=xml
usage "--on-error=ignore" "not pass, drop or abort" -r "$f" --on-error=ignore
usage "-a without =" "NAME=VALUE" -r "$f" -a novalue
usage "bad BPF expression" "bad filter expression" -r "$f" "not a valid filter ((("
usage "empty -r" "empty file name" -r ""

# -a reaches the script, joined filter words, -s 0
"$PKTLUA" -q -r "$f" -c 1 -a prefix=10.0.0.0/8 -a n=3 --arg x= \
  -e 'function packet() print(arg.prefix, arg.n, arg.x == "", arg[0]) end' > "$TMP/a"
check "-a sets arg.NAME" test "$(cat "$TMP/a")" = "$(printf '10.0.0.0/8\t3\ttrue\t-e')"
finish
