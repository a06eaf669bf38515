-- heap.lua: runs the example named by the environment variable EXAMPLE
-- (with the arguments pktlua got) with the collector stopped, and reports
-- at the end how much the Lua heap grew after the first WARMUP packets:
-- the per-packet path of the examples must allocate nothing.
local path = assert(os.getenv("EXAMPLE"), "EXAMPLE=script.lua")
local warmup = math.tointeger(tonumber(os.getenv("WARMUP") or "1000"))
assert(loadfile(path))()
local inner, innerfinish = packet, finish
local count = collectgarbage
local n, base = 0, nil

function packet(pkt, info)
  n = n + 1
  if n == warmup then base = count("count") end
  return inner(pkt, info)
end

function finish()
  local now = count("count")
  io.stderr:write(string.format("heap: %d packets, growth after %d: %.0f bytes\n",
                                n, warmup, (now - (base or now)) * 1024))
  if innerfinish then return innerfinish() end
end

collectgarbage("collect")
collectgarbage("stop")
