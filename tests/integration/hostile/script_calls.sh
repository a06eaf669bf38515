#!/usr/bin/env bash
# Every call into the script is protected, under the budget and
# interruptible (issue 11, the script side): global look-ups through a
# "strict" _G, coroutines, a reload's chunk, finalizers. Each case: the run
# ends (a second SIGINT/SIGTERM at most), with the exit status, the counters
# and a complete output file.
. "$(dirname "$0")/../lib.sh"
need tcpdump
need_pktlua
t=$(tmp)
small=$CAPTURES/ipv4.pcap
nsmall=$(count "$small")
long=$CAP_LONG

# pk ARGS...: a run that must end by itself (a hang fails, not blocks)
pk() { timeout 300 "$PKTLUA" "$@"; }
# stop PID SIG: the first signal, then the second, then at most 30 s for
# the process to end (killed after that: the check on its status fails);
# sets rc
stop() {
  kill -"$2" "$1"; sleep 0.3; kill -"$2" "$1"
  reap "$1" 30
}

# 1. the "strict globals" idiom: the daemon's own look-ups (packet,
# finish) do not ask _G's __index, and nothing runs unprotected
strict='setmetatable(_G, {__index = function (_, k)
  error("undeclared global " .. k, 2) end})'
pk -q --stats=json -r "$small" -w "$t/strict.pcap" \
  -e "function packet () return true end $strict" 2>"$t/strict.err"; rc=$?
check "strict _G: exit 0 (was an abort)" [ "$rc" -eq 0 ]
check "strict _G: every packet in the output" [ "$(count "$t/strict.pcap")" = "$nsmall" ]
check "strict _G: no error" [ "$(jsonfield "$t/strict.err" errors)" = 0 ]
pk -q --stats=json -r "$small" -w "$t/strict2.pcap" --on-error=pass \
  -e "$strict function packet () return undeclared end" 2>"$t/strict2.err"; rc=$?
check "strict _G, an undeclared global in packet: exit 0, counted" \
  [ "$rc" -eq 0 -a "$(jsonfield "$t/strict2.err" errors)" = "$nsmall" ]
check "strict _G: the script's own error is shown" \
  grep -q "undeclared global undeclared (packet 1)" "$t/strict2.err"
# an __index that loops: the budget ends it, inside a protected call
pk -q --stats=json -r "$small" -w "$t/strictloop.pcap" --max-instructions=10000 \
  --on-error=pass \
  -e 'function packet () return x end
      setmetatable(_G, {__index = function () while true do end end})' \
  2>"$t/strictloop.err"; rc=$?
check "looping __index under the budget: exit 0" [ "$rc" -eq 0 ]
check "looping __index under the budget: each packet an error" \
  [ "$(jsonfield "$t/strictloop.err" errors)" = "$nsmall" ]
check "looping __index under the budget: output complete" complete "$t/strictloop.pcap"

# 5. a loop inside a coroutine, and a loop that catches the interrupt
# with pcall: the second SIGINT ends either
for case in coroutine pcall; do
  if [ $case = coroutine ]; then
    body='coroutine.wrap(function () while true do end end)()'
  else
    body='while true do pcall(function () while true do end end) end'
  fi
  start_marked "$t/$case.err" -q --stats=json -r "$small" -w "$t/$case.pcap" -e "
    function packet ()
      io.open(os.getenv('MARK'), 'w'):close()
      $body
    end"
  stop $pid INT
  # the interrupted call is a script error: exit 3
  check "$case loop, two SIGINTs: exit 3 (rc $rc)" [ "$rc" = 3 ]
  check "$case loop: the packet is counted as an error" \
    [ "$(jsonfield "$t/$case.err" errors)" = 1 ]
  check "$case loop: says interrupted" grep -q "interrupted (packet 1)" "$t/$case.err"
  check "$case loop: output complete" complete "$t/$case.pcap"
  check "$case loop: holding that packet" [ "$(count "$t/$case.pcap")" = 1 ]
done

# 6. the budget is per call in coroutines too: a generator resumed once
# per packet does the same work as packet() could, with no error
gen='local gen = coroutine.wrap(function ()
  while true do for i = 1, 200 do end coroutine.yield() end end)'
pk -q --stats=json -r "$long" --max-instructions=5000 \
  -e "$gen function packet () gen() end" 2>"$t/gen.err"; rc=$?
check "generator under the budget: exit 0" [ "$rc" -eq 0 ]
check "generator under the budget: no error (was one per packet from ~50 on)" \
  [ "$(jsonfield "$t/gen.err" errors)" = 0 ]
# ...and a coroutine that loops is still ended by it, and so is its caller
pk -q --stats=json -r "$small" --max-instructions=5000 --on-error=pass -e '
  function packet ()
    while true do coroutine.resume(coroutine.create(function ()
      while true do end end)) end
  end' 2>"$t/coloop.err"; rc=$?
check "looping coroutines resumed in a loop: every call ended" \
  [ "$rc" -eq 0 -a "$(jsonfield "$t/coloop.err" errors)" = "$nsmall" ]
# a budget error caught by pcall stays: the call still ends
pk -q --stats=json -r "$small" --max-instructions=5000 --on-error=pass -e '
  function packet ()
    while true do pcall(function () while true do end end) end
  end' 2>"$t/pcallloop.err"; rc=$?
check "budget caught by pcall in a loop: every call ended" \
  [ "$rc" -eq 0 -a "$(jsonfield "$t/pcallloop.err" errors)" = "$nsmall" ]

# 4. a SIGHUP loads a chunk that loops: the new state is interruptible
# too; two SIGTERMs end the run with a complete file
mark_script 100 20000 > "$t/reload.lua"
start_marked "$t/reload.err" -q --stats=json -r "$long" -w "$t/reload.pcap" \
  -f "$t/reload.lua"
printf 'io.open(os.getenv("MARK") .. "2", "w"):close()\nwhile true do end\n' \
  > "$t/reload.lua"
kill -HUP $pid
wait_for "$MARK"2
stop $pid TERM
check "reload into a loop, two SIGTERMs: exit 0 (rc $rc)" [ "$rc" = 0 ]
check "reload into a loop: the reload failed, the script stayed" \
  grep -q "reload failed, the running script stays: .*interrupted" "$t/reload.err"
check "reload into a loop: output complete" complete "$t/reload.pcap"
check "reload into a loop: it holds the passed packets" \
  [ "$(count "$t/reload.pcap")" = "$(jsonfield "$t/reload.err" passed)" ]

# finalizers in Lua run with hooks off (no budget, no interrupt): refused
for how in setmetatable debug.setmetatable; do
  pk -q -r "$small" -e "function packet () end
    $how({}, {__gc = function () while true do end end})" \
    2>"$t/gc.err"; rc=$?
  check "$how with __gc: refused at start (exit 2)" [ "$rc" -eq 2 ]
  check "$how with __gc: says why" grep -q "__gc metamethods are not allowed" "$t/gc.err"
done
# ...so is taking the hook: it would turn the budget and interrupts off
pk -q --stats=json -r "$small" --max-instructions=5000 --on-error=pass -e '
  function packet () pcall(debug.sethook) while true do end end' \
  2>"$t/sethook.err"; rc=$?
check "debug.sethook refused: the budget still ends every call" \
  [ "$rc" -eq 0 -a "$(jsonfield "$t/sethook.err" errors)" = "$nsmall" ]
pk -q -r "$small" -e 'debug.sethook() function packet () end' 2>"$t/sethook2.err"
check "debug.sethook refused: says why" grep -q "debug.sethook is not available" "$t/sethook2.err"
# ...but a metatable without one is set as before, and returned
pk -q -r "$small" -e 'local t = {}
  assert(setmetatable(t, {__index = {x = 1}}) == t and t.x == 1)
  function packet () end' 2>"$t/mt.err"; rc=$?
check "setmetatable without __gc still works" [ "$rc" -eq 0 ]

# -v near the heap cap: an ordinary error whose traceback does not fit is
# reported bare, not as "not enough memory" (the heap is filled with
# small tables, then k of them freed: a little room, but not the
# traceback's)
nomem=0
for k in 1 2 3; do
  pk -v -q -r "$small" -c 1 --max-lua-memory=1000000 -a k=$k -e '
    local head
    function packet ()
      local function grow () head = {head} end
      while pcall(grow) do end
      for i = 1, tonumber(arg.k) do head = head[1] end
      collectgarbage()
      error("ordinary")
    end' 2>"$t/vmem.err"
  grep -q "ordinary" "$t/vmem.err" || nomem=$((nomem + 1))
done
check "-v near the cap: the error itself is reported ($nomem of 3 were not)" \
  [ "$nomem" -eq 0 ]

# coroutines behave as the library's: values, yields, errors, close
pk -q -r "$small" -c 1 -e '
  local co = coroutine.create(function (a, b)
    local c = coroutine.yield(a + b); error({code = c}) end)
  local ok, v = coroutine.resume(co, 1, 2); assert(ok and v == 3)
  local ok2, e = coroutine.resume(co, 7); assert(not ok2 and e.code == 7)
  assert(coroutine.status(co) == "dead")
  assert(select(2, coroutine.resume(co)) == "cannot resume dead coroutine")
  local w = coroutine.wrap(function () error("in wrap") end)
  local ok3, e3 = pcall(w); assert(not ok3 and e3:find("in wrap"))
  local closed = false
  local cc = coroutine.create(function ()
    local x <close> = setmetatable({}, {__close = function () closed = true end})
    coroutine.yield() end)
  coroutine.resume(cc); assert(coroutine.close(cc) and closed)
  assert(not pcall(coroutine.close, coroutine.running()))
  function packet () end' 2>"$t/co.err"; rc=$?
check "coroutine library semantics kept ($(head -1 "$t/co.err"))" [ "$rc" -eq 0 ]

finish
