-- Heap probe for bench/run: runs the script named by PKTLUA_BENCH_SCRIPT
-- (or the chunk in PKTLUA_BENCH_CHUNK) with the collector stopped, and at
-- finish() prints how much the Lua heap grew between the first packet and
-- the end. Zero growth means the per-packet path allocates nothing.
local path, src = os.getenv("PKTLUA_BENCH_SCRIPT"), os.getenv("PKTLUA_BENCH_CHUNK")
local chunk
if path then chunk = assert(loadfile(path))
else chunk = assert(load(assert(src, "PKTLUA_BENCH_SCRIPT or _CHUNK"), "=(-e)")) end
chunk(...)

local inner_packet, inner_finish = packet, finish
local base, n = nil, 0
local count = collectgarbage

function packet (pkt, info)
  if not base then base = count("count") end
  n = n + 1
  return inner_packet(pkt, info)
end

function finish ()
  local now = count("count")  -- before the script's own finish()
  io.stderr:write(string.format("pktlua-bench heap: packets=%d base_kib=%.3f end_kib=%.3f growth_bytes=%.0f\n",
                                n, base or now, now, (now - (base or now)) * 1024))
  if inner_finish then return inner_finish() end
end

collectgarbage("collect")
collectgarbage("stop")
