#!/usr/bin/env bash
# The savefile fast path (pkt_source.c: pktlua reads plain pcap files in
# 1 MiB blocks and hands over to libpcap at the first record libpcap would
# not pass unchanged). The reference is the same run with
# PKTLUA_READER=libpcap, which reads through libpcap only: output bytes,
# messages and exit status must be the same, for a long file and for files
# with a bad record past the first blocks, with and without a BPF filter
# (which the fast path applies itself).
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
need mergecap lua5.4

long_capture "$TMP/long.pcap" 13

# patch FILE OUT KIND: copies FILE with its first record starting past
# 2.5 MiB changed (KIND: huge caplen, caplen > len, caplen > snaplen with
# the bytes present, cut in the middle); prints that record's number
patch () {
  lua5.4 - "$@" <<'EOF'
local inp, out, kind = arg[1], arg[2], arg[3]
local f = assert(io.open(inp, "rb")); local s = f:read("a"); f:close()
local magic = string.unpack("<I4", s, 1)
local e = (magic == 0xa1b2c3d4 or magic == 0xa1b23c4d) and "<" or ">"
local snap = string.unpack(e .. "I4", s, 17)
local pos, n = 25, 1
while true do
  local caplen, len = string.unpack(e .. "I4I4", s, pos + 8)
  if pos > 2.5 * 1048576 then
    local head = s:sub(1, pos - 1)
    local sec, frac = string.unpack(e .. "I4I4", s, pos)
    local rest = s:sub(pos + 16 + caplen)
    local data = s:sub(pos + 16, pos + 15 + caplen)
    local r
    if kind == "huge" then
      r = head .. string.pack(e .. "I4I4I4I4", sec, frac, 0x7fffff00, len) .. data .. rest
    elseif kind == "caplen_gt_len" then
      r = head .. string.pack(e .. "I4I4I4I4", sec, frac, caplen, caplen - 1) .. data .. rest
    elseif kind == "over_snaplen" then
      local extra = snap + 10 - caplen
      r = head .. string.pack(e .. "I4I4I4I4", sec, frac, snap + 10, snap + 10)
          .. data .. string.rep("\0", extra) .. rest
    else  -- cut: the file ends inside this record's bytes
      r = head .. s:sub(pos, pos + 16 + caplen // 2)
    end
    f = assert(io.open(out, "wb")); f:write(r); f:close()
    print(n)
    return
  end
  pos, n = pos + 16 + caplen, n + 1
end
EOF
}

# same_as_libpcap NAME FILE [BPF...]: the fast path and libpcap agree
same_as_libpcap () {
  local name=$1 f=$2 rc1 rc2
  shift 2
  "$PKTLUA" -q -r "$f" -w "$TMP/fast.pcap" \
    -e 'function packet() return true end' "$@" 2> "$TMP/fast.err"
  rc1=$?
  PKTLUA_READER=libpcap "$PKTLUA" -q -r "$f" -w "$TMP/ref.pcap" \
    -e 'function packet() return true end' "$@" 2> "$TMP/ref.err"
  rc2=$?
  check "$name: same exit status ($rc1, $rc2)" test "$rc1" -eq "$rc2"
  check "$name: same output bytes" cmp -s "$TMP/fast.pcap" "$TMP/ref.pcap"
  check "$name: same messages" cmp -s "$TMP/fast.err" "$TMP/ref.err"
  sed 's/^/    /' "$TMP/fast.err" | head -3
}

same_as_libpcap long "$TMP/long.pcap"
check "long: copy of the pcap file is byte-identical" cmp -s "$TMP/long.pcap" "$TMP/fast.pcap"
check "long: every packet ($(count "$TMP/long.pcap"))" \
  test "$(count "$TMP/fast.pcap")" -eq "$(count "$TMP/long.pcap")"

# a BPF filter, applied by the fast path, selects what libpcap selects
for expr in "tcp port 21" "len > 100" "not ip"; do
  # shellcheck disable=SC2086
  same_as_libpcap "long, BPF '$expr'" "$TMP/long.pcap" $expr
  check "long, BPF '$expr': as tcpdump selects" \
    cmp -s <(dump "$TMP/fast.pcap") <(tcpdump -n -S -tt --nano -r "$TMP/long.pcap" $expr 2>/dev/null)
done

for kind in huge caplen_gt_len over_snaplen cut; do
  n=$(patch "$TMP/long.pcap" "$TMP/$kind.pcap" "$kind") || bad "$kind: patch"
  same_as_libpcap "$kind (record $n)" "$TMP/$kind.pcap"
  check "$kind: the records before $n are all there" \
    test "$(count "$TMP/fast.pcap")" -ge $((n - 1))
  same_as_libpcap "$kind (record $n), BPF 'tcp'" "$TMP/$kind.pcap" tcp
done

# an unknown PKTLUA_READER is said, and changes nothing
PKTLUA_READER=pcap "$PKTLUA" -q -r "$TMP/long.pcap" -w "$TMP/typo.pcap" 2> "$TMP/typo.err"
check "PKTLUA_READER=pcap: a warning naming it" \
  grep -q "warning: PKTLUA_READER=pcap is not 'libpcap': ignored" "$TMP/typo.err"
check "PKTLUA_READER=pcap: the copy is still whole" cmp -s "$TMP/long.pcap" "$TMP/typo.pcap"

# a script sees each packet at its own length across block boundaries
"$PKTLUA" -q -r "$TMP/long.pcap" -e 'local bad = 0
function packet (pkt, info) if #pkt ~= info.caplen then bad = bad + 1 end end
function finish () io.stderr:write("bad ", bad, "\n") end' 2> "$TMP/len.err"
check "pkt length = caplen on every packet" grep -qx "bad 0" "$TMP/len.err"

finish
