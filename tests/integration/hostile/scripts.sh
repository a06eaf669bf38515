#!/usr/bin/env bash
# Hostile scripts (issue 6, item 4) run by the real pktlua binary: scripts
# are trusted code, but their faults must be contained. For each: the exit
# status, the --stats=json counters, the stderr lines (summarised, not one
# per packet), and the output file (complete, readable by tcpdump).
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
t=$(tmp)
gaps=0
gap() { gaps=$((gaps + 1)); printf 'GAP: %s\n' "$*"; }

# a capture of many packets: the corpus's long one
in=$CAP_LONG
nin=$(tcpdump -r "$in" 2>/dev/null | wc -l)
small=$CAPTURES/ipv4.pcap
[ -f "$small" ] || small=$in
nsmall=$(tcpdump -r "$small" 2>/dev/null | wc -l)

# run NAME INPUT SCRIPT_TEXT [OPTIONS...]: sets rc, and the stats as
# st_read st_passed st_dropped st_errors st_mem; stdout in $t/NAME.out
run() {
  local name=$1 input=$2 text=$3; shift 3
  printf '%s\n' "$text" > "$t/$name.lua"
  timeout 120 "$PKTLUA" -q --stats=json -r "$input" -w "$t/$name.pcap" \
    -f "$t/$name.lua" "$@" > "$t/$name.out" 2> "$t/$name.err"
  rc=$?
  local json
  json=$(grep '^{"read"' "$t/$name.err" | tail -1)
  field() { printf '%s' "$json" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
  st_read=$(field read); st_passed=$(field passed)
  st_dropped=$(field dropped); st_errors=$(field errors)
  st_mem=$(field lua_memory)
  printf '%s: rc=%s read=%s passed=%s dropped=%s errors=%s lua_memory=%s\n' \
    "$name" "$rc" "$st_read" "$st_passed" "$st_dropped" "$st_errors" "$st_mem"
  grep -v '^{"read"' "$t/$name.err" | head -4 | sed 's/^/    /'
  # exit 2: stopped before any packet; NOSTATS=1: a run allowed to crash
  [ "$rc" -eq 2 ] || [ "${NOSTATS:-0}" = 1 ] ||
    check "$name: stats line present" [ -n "$json" ]
}
errlines() { grep -vc '^{"read"' "$t/$1.err"; }
nout() { tcpdump -r "$t/$1.pcap" 2>/dev/null | wc -l; }
readable() {  # tcpdump reads it to the end without complaint
  if tcpdump -r "$t/$1.pcap" >/dev/null 2>"$t/$1.tcpdump"; then ok; else
    bad "$1: tcpdump: $(cat "$t/$1.tcpdump")"; fi
}

# 1. an error on every packet, run on with --on-error=pass: counted,
# summarised, packets pass (without it the run stops after 10 packets:
# tests/integration/daemon/test_errors.sh)
run everyerror "$in" 'function packet () error("boom") end' --on-error=pass
check "everyerror: exit 0" [ "$rc" -eq 0 ]
check "everyerror: all read" [ "$st_read" = "$nin" ]
check "everyerror: every packet counted as an error" [ "$st_errors" = "$nin" ]
check "everyerror: every packet passed (default --on-error=pass)" \
  [ "$st_passed" = "$nin" ]
check "everyerror: output has every packet" [ "$(nout everyerror)" = "$nin" ]
check "everyerror: at most 4 stderr lines for $nin errors" \
  [ "$(errlines everyerror)" -le 4 ]
check "everyerror: first error names file:line and packet 1" \
  grep -q 'everyerror.lua:1: boom (packet 1)' "$t/everyerror.err"
readable everyerror

run everydrop "$small" 'function packet () error("boom") end' --on-error=drop
check "everydrop: exit 3 (script errors)" [ "$rc" -eq 3 ]
check "everydrop: all dropped" [ "$st_passed" = 0 ] && \
  check "everydrop: errors = read" [ "$st_errors" = "$st_read" ]
check "everydrop: empty but valid output" [ "$(nout everydrop)" = 0 ]
readable everydrop

run everyabort "$small" 'function packet () error("boom") end' --on-error=abort
check "everyabort: exit 3" [ "$rc" -eq 3 ]
check "everyabort: stopped at packet 1" [ "$st_read" = 1 ]
check "everyabort: nothing passed" [ "$(nout everyabort)" = 0 ]
readable everyabort

# 2. an endless loop: the per-call instruction budget ends every call
run loop "$small" 'function packet () while true do end end' \
  --max-instructions=100000 --on-error=pass
check "loop: exit 0" [ "$rc" -eq 0 ]
check "loop: every packet read" [ "$st_read" = "$nsmall" ]
check "loop: every call counted as an error" [ "$st_errors" = "$nsmall" ]
check "loop: message says why" grep -q 'instruction limit' "$t/loop.err"
check "loop: packets pass" [ "$(nout loop)" = "$nsmall" ]
run loopfinish "$small" 'function packet () end
function finish () while true do end end' --max-instructions=100000
check "loopfinish: exit 3 (finish failed)" [ "$rc" -eq 3 ]
check "loopfinish: one error" [ "$st_errors" = 1 ]
check "loopfinish: output complete" [ "$(nout loopfinish)" = "$nsmall" ]
run loopchunk "$small" 'while true do end' --max-instructions=100000
check "loopchunk: a chunk that never ends does not load: exit 2" [ "$rc" -eq 2 ]
check "loopchunk: no output file" [ ! -e "$t/loopchunk.pcap" ]

# 3. unbounded memory growth: the heap cap turns it into counted errors
cap=$((16 * 1024 * 1024))
run memory "$small" 'local t = {}
function packet ()
  for i = 1, 1e9 do t[#t + 1] = string.rep("x", 100) .. i end
end' --max-lua-memory=16M --on-error=pass
check "memory: exit 0" [ "$rc" -eq 0 ]
check "memory: every packet an error" [ "$st_errors" = "$nsmall" ]
check "memory: message names the cap" \
  grep -q 'not enough memory (--max-lua-memory reached)' "$t/memory.err"
check "memory: heap within cap + 1 MiB (was $st_mem)" \
  [ "${st_mem:-0}" -le $((cap + 1048576)) ]
check "memory: packets pass" [ "$(nout memory)" = "$nsmall" ]
run memstring "$small" 'function packet () local s = "x"
  while true do s = s .. s end end' --max-lua-memory=16M --on-error=pass
check "memstring: exit 0" [ "$rc" -eq 0 ]
check "memstring: errors counted" [ "$st_errors" = "$nsmall" ]

# 4. an error inside finish(): reported, exit 3, output still complete
run finisherr "$small" 'function packet () end
function finish () error("late") end'
check "finisherr: exit 3" [ "$rc" -eq 3 ]
check "finisherr: message" grep -q 'late (in finish)' "$t/finisherr.err"
check "finisherr: one error" [ "$st_errors" = 1 ]
check "finisherr: output complete" [ "$(nout finisherr)" = "$nsmall" ]
readable finisherr

# 5. pkt (and a layout pointer on it) kept after the run: empty, never
# the freed packet buffer (the sanitizer and valgrind runs check reads)
run keep "$small" 'local layout = require "layout"
local ip = layout.newpointer(require "layouts.ipv4")
function packet (pkt, info)
  saved = pkt
  if info.l3 then layout.setpointer(ip, pkt, info.l3) end
end
function finish ()
  print("len", #saved)
  print("str", #saved:tostring())
  print("get", select("#", saved:get(1)))
  print("ttl", pcall(function () return ip.timetolive end))
  pcall(function () saved:set(1, 0) end)
  print("after", #saved, #saved:tostring())
end'
check "keep: exit 0" [ "$rc" -eq 0 ]
check "keep: kept pkt is empty" grep -qx 'len	0' "$t/keep.out"
check "keep: tostring is empty" grep -qx 'str	0' "$t/keep.out"
check "keep: get(1) returns nothing" grep -qx 'get	0' "$t/keep.out"
check "keep: layout read is out of bounds" \
  grep -q '^ttl	false	.*out of bounds' "$t/keep.out"
check "keep: a write leaves it empty" grep -qx 'after	0	0' "$t/keep.out"

# 6. misuse of pkt: resize, writes past the end, bad indices
run misuse "$small" 'function packet (pkt, info)
  local k = info.caplen % 4
  if k == 0 then pkt:resize(1e6)
  elseif k == 1 then pkt:set(#pkt + 1, 1)
  elseif k == 2 then pkt:fill("x", math.mininteger, math.maxinteger)
  else pkt:pack(">I8", #pkt - 6, 1) end
end' --on-error=pass
check "misuse: exit 0" [ "$rc" -eq 0 ]
check "misuse: all read" [ "$st_read" = "$nsmall" ]
readable misuse

# 7. the script empties the reused info table and fills the Lua heap to
# the cap: the daemon's next store into info must not die unprotected
run tamper "$small" 'local done
function packet (pkt, info)
  if not done then
    done = true
    for k in pairs(info) do info[k] = nil end
    for i = 1, 64 do info["x" .. i] = i end
    pcall(function () while true do head = { head } end end)
  end
end' --max-lua-memory=4M
check "tamper: exit 0" [ "$rc" -eq 0 ]
check "tamper: all read" [ "$st_read" = "$nsmall" ]
readable tamper

# 8. the debug library cannot break the reference memory: with pkt's
# metatable swapped for a fixed memory's between calls (luamem_setref would
# refuse it; a reference wearing it is no memory at all, so the script
# swaps it back to read), the daemon still re-points pkt through its head
# (luamem_tohead) on every packet and empties it before finish(), so the
# script never holds libpcap's buffer, which libpcap reallocates for a
# bigger record (in the ASan build a stale read is a heap-use-after-free
# report).
lua5.4 "$(dirname "$0")/mkpcap.lua" big "$t/grow.pcap" || die "mkpcap big"
ngrow=$(tcpdump -r "$t/grow.pcap" 2>/dev/null | wc -l)
NOSTATS=1 run tamperpkt "$t/grow.pcap" 'local memory = require "memory"
local fixedmt = getmetatable(memory.create(1))
local refmt
local function size (m)
  debug.setmetatable(m, refmt)
  local n = #memory.tostring(m)
  debug.setmetatable(m, fixedmt)
  return n
end
function packet (pkt, info)
  if not saved then saved = pkt; refmt = getmetatable(pkt) end
  debug.setmetatable(pkt, fixedmt)
  if memory.type(pkt) ~= nil then print("taken for a memory") end
  if size(saved) ~= info.caplen then print("stale") end
  print("seen", size(saved))
end
function finish ()
  debug.setmetatable(saved, refmt)
  print("finish", #saved, memory.tostring(saved) == "")
end'
absent() { ! grep -q "$@"; }
check "tamperpkt: no ASan report" absent AddressSanitizer "$t/tamperpkt.err"
check "tamperpkt: exit 0" [ "$rc" -eq 0 ]
check "tamperpkt: all read" [ "$st_read" = "$ngrow" ]
check "tamperpkt: re-pointed on every packet" \
  [ "$(grep -c '^seen' "$t/tamperpkt.out")" = "$ngrow" ]
check "tamperpkt: no stale packet" absent stale "$t/tamperpkt.out"
check "tamperpkt: a reference in a fixed metatable is no memory" \
  absent "taken for" "$t/tamperpkt.out"
check "tamperpkt: empty in finish" grep -q "^finish	0	true$" "$t/tamperpkt.out"

printf '%d gap(s)\n' "$gaps"
finish
