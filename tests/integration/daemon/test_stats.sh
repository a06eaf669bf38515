#!/usr/bin/env bash
# Statistics that agree (issue 16, problem 4): the text summary, the
# --stats=json line and the exit status say the same; the json's bytes,
# duration and rates are those of the packets read; SIGUSR1 prints the
# same record mid-run, with the output written out first. (Write and
# injection failures: tests/integration/hostile/output_lost.sh.)
. "$(dirname "$0")/../lib.sh"
need_pktlua
need_pktgen
TMP=$(tmp)
"$PKTGEN" --mixed 300 -w "$TMP/in.pcap" || die "pktgen failed"
n=300
# a pcap file: 24 header bytes, then 16 per record and its captured bytes
inbytes=$(( $(stat -c %s "$TMP/in.pcap") - 24 - 16 * n ))

# jsonnum FILE NAME: the first (top-level) number NAME of the json line
jsonnum() { grep '^{"read"' "$1" | tail -1 | grep -o "\"$2\":[0-9.]*" | head -1 | cut -d: -f2; }
# textsum FILE: "read passed dropped errors" from the text summary
textsum() {
  sed -n 's/^pktlua: \([0-9]*\) packets read, \([0-9]*\) passed, \([0-9]*\) dropped by the script, \([0-9]*\) script errors$/\1 \2 \3 \4/p' "$1" | tail -1
}
jsonsum() { echo "$(jsonnum "$1" read) $(jsonnum "$1" passed) $(jsonnum "$1" dropped) $(jsonnum "$1" errors)"; }

# agree NAME WANT_RC ARGS...: the same run twice, text and json: the same
# counters, the same exit status, the one wanted
agree() {
  local name=$1 want=$2; shift 2
  "$PKTLUA" -r "$TMP/in.pcap" -w "$TMP/$name.pcap" "$@" 2>"$TMP/$name.text"; rct=$?
  "$PKTLUA" -r "$TMP/in.pcap" -w "$TMP/$name.pcap" --stats=json "$@" 2>"$TMP/$name.json"; rcj=$?
  local t j
  t=$(textsum "$TMP/$name.text"); j=$(jsonsum "$TMP/$name.json")
  check "$name: text ($t) and json ($j) agree" [ -n "$t" ] && [ "$t" = "$j" ]
  check "$name: exit status $want (text $rct, json $rcj)" [ "$rct" -eq "$want" ] && [ "$rcj" -eq "$want" ]
  check "$name: read = passed + dropped + failed" \
    [ "$(jsonnum "$TMP/$name.json" read)" -eq $(( $(jsonnum "$TMP/$name.json" passed) + $(jsonnum "$TMP/$name.json" dropped) + $(jsonnum "$TMP/$name.json" failed) )) ]
  # the output holds exactly the passed packets and their bytes
  local p pb
  p=$(jsonnum "$TMP/$name.json" passed); pb=$(jsonnum "$TMP/$name.json" passed_bytes)
  check "$name: the output is 24 + 16 * passed + passed_bytes bytes" \
    [ "$(stat -c %s "$TMP/$name.pcap")" -eq $((24 + 16 * p + pb)) ]
}
agree copy 0
agree filter 0 -e 'pktlua.kind "filter" function packet(p, i) return i.len < 600 end'
agree errors 3 -e 'function packet(p, i) if i.len > 1000 then error("big") end end'
agree filtererrors 3 -e 'pktlua.kind "filter" function packet(p, i) if i.len > 1000 then error("big") end end'
agree passerrors 0 --on-error=pass -e 'function packet(p, i) if i.len > 1000 then error("big") end end'
agree earlystop 3 -e 'function packet() error("typo") end'
check "earlystop: 10 read" [ "$(jsonnum "$TMP/earlystop.json" read)" -eq 10 ]

# bytes, duration, rates: those of the packets read
j=$TMP/copy.json
check "read_bytes: the captured bytes of the input ($inbytes)" [ "$(jsonnum "$j" read_bytes)" -eq "$inbytes" ]
check "passed_bytes of a copy = read_bytes" [ "$(jsonnum "$j" passed_bytes)" -eq "$inbytes" ]
check "a filter's passed_bytes: the bytes of its output" \
  [ "$(jsonnum "$TMP/filter.json" passed_bytes)" -lt "$inbytes" ]
rates=$(grep '^{"read"' "$j" | tail -1 | lua5.4 -e '
  local s = io.read("a")
  local function num (k) return tonumber(s:match("\"" .. k .. "\":([0-9.]+)")) end
  local d, read, bytes = num("duration"), num("read"), num("read_bytes")
  local pps, mbps = num("pps"), num("mbps")
  local function near (a, b) return math.abs(a - b) <= 0.01 * b + 0.1 end
  print(d > 0 and d < 60 and near(pps, read / d) and near(mbps, bytes * 8e-6 / d)
        and "ok" or ("duration " .. d .. " pps " .. pps .. " mbps " .. mbps))')
check "duration > 0, pps = read/duration, mbps = read_bytes*8e-6/duration ($rates)" [ "$rates" = ok ]

# SIGUSR1 mid-run: the input is a FIFO that stops after k packets; the
# report then counts them, the output holds them (written out first), and
# it is the same record as the one at the end
k=120
cat > "$TMP/caplens.lua" <<'LUA'
-- the captured bytes of the first arg[2] records of pcap file arg[1]
local f = assert(io.open(arg[1], "rb"))
local s, at, n = f:read("a"), 25, 0
for _ = 1, tonumber(arg[2]) do
  local len = string.unpack("<I4", s, at + 8)
  at, n = at + 16 + len, n + len
end
print(n)
LUA
head -c $((24 + 16 * k + $(lua5.4 "$TMP/caplens.lua" "$TMP/in.pcap" $k))) "$TMP/in.pcap" > "$TMP/part.pcap"
for fmt in json text; do
  mkfifo "$TMP/fifo.$fmt"
  stats=; [ $fmt = json ] && stats=--stats=json
  MARK=$TMP/mark.$fmt K=$k "$PKTLUA" -r "$TMP/fifo.$fmt" -w "$TMP/usr1.$fmt.pcap" $stats \
    -e 'local n = 0 function packet() n = n + 1
          if n == tonumber(os.getenv("K")) then io.open(os.getenv("MARK"), "w"):close() end end' \
    2>"$TMP/usr1.$fmt" &
  pid=$!
  exec 3>"$TMP/fifo.$fmt"
  cat "$TMP/part.pcap" >&3
  wait_for "$TMP/mark.$fmt"
  sleep 0.2
  kill -USR1 $pid
  wait_grep "$TMP/usr1.$fmt" read
  size=$(stat -c %s "$TMP/usr1.$fmt.pcap")
  exec 3>&-
  wait $pid; rc=$?
  check "SIGUSR1 ($fmt): the run ends normally (exit $rc)" [ "$rc" -eq 0 ]
  check "SIGUSR1 ($fmt): two records, the report and the summary" \
    [ "$(grep -c 'read' "$TMP/usr1.$fmt")" -eq 2 ]
  if [ $fmt = json ]; then
    first=$(grep '^{"read"' "$TMP/usr1.json" | head -1 > "$TMP/first.json"; jsonsum "$TMP/first.json")
    check "SIGUSR1 (json): counts the $k packets read so far ($first)" [ "$first" = "$k $k 0 0" ]
    pb=$(jsonnum "$TMP/first.json" passed_bytes)
    check "SIGUSR1 (json): the output held them when it was printed" [ "$size" -eq $((24 + 16 * k + pb)) ]
    keys() { grep -o '"[a-z_]*":' | tr -d '\n'; }
    check "SIGUSR1 (json): the same fields as the summary at the end" \
      [ "$(grep '^{"read"' "$TMP/usr1.json" | head -1 | keys)" = "$(grep '^{"read"' "$TMP/usr1.json" | tail -1 | keys)" ]
    check "SIGUSR1 (json): a duration" [ -n "$(jsonnum "$TMP/first.json" duration)" ]
  else
    check "SIGUSR1 (text): the summary line, counting $k packets" \
      [ "$(sed -n 1p "$TMP/usr1.text" | sed 's/^.*pktlua:/pktlua:/')" = "pktlua: $k packets read, $k passed, 0 dropped by the script, 0 script errors" ]
  fi
done
finish
