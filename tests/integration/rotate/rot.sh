# rot.sh - what the rotation tests share (sourced after ../lib.sh): the
# tools they need, a scratch directory $TMP, and the helpers below
need_pktlua
need tshark capinfos tcpdump
TMP=$(tmp)
LAST_ERR=$TMP/err

# whole FILE: tshark reads it to its end without a word (a torn record is
# "cut short in the middle of a packet"), and capinfos too
whole() {
  [ -z "$(tshark -r "$1" -q 2>&1 >/dev/null | grep -v '^Running as user')" ] &&
    capinfos -c "$1" >/dev/null 2>&1
}

# packets FILE: how many packets capinfos counts
packets() { capinfos -c -M "$1" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }'; }

# ordered BASE: the files of a -C series in the order they were written:
# BASE, BASE1, BASE2, ... (tcpdump's numbers, no padding)
ordered() {
  local b=$1 i=1
  [ -e "$b" ] && printf '%s\n' "$b"
  while [ -e "$b$i" ]; do printf '%s\n' "$b$i"; i=$((i + 1)); done
}

# timed OUT: a capture of 8 big packets (over 1000 bytes) at chosen
# seconds after 22:00:00 UTC (1699999200, a multiple of 3600): 0 1 2 |
# 35 36 | 41 | 65 66, so with -G 10 the periods 10, 20 and 50 have none
timed() {
  "$PKTLUA" -q -r "$CAP_LONG" -w "$1" -e '
    local t = {0, 1, 2, 35, 36, 41, 65, 66}
    local i = 0
    function packet (p, info)
      if #p < 1000 or i == #t then return false end
      i = i + 1
      info.sec, info.nsec = 1699999200 + t[i], 0
    end' 2>/dev/null
}

# list DIR [PREFIX]: the files (those starting with PREFIX), each with its
# packets, "name:n name:n ..."; a torn file's name is marked TORN-
list() {
  local f out=
  for f in $(cd "$1" && ls "${2:-}"*); do
    whole "$1/$f" || out+="TORN-"
    out+="$f:$(packets "$1/$f") "
  done
  printf '%s\n' "$out"
}
