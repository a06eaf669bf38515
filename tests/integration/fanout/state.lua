-- a flow-state script for the live fanout test: the sequence number the
-- sender wrote (flows.lua) must grow along each flow as this worker sees
-- it; one line per packet, "worker flow", for the test to check that a
-- flow stays on one worker; finish() and merge() add up the flows seen
-- and the packets out of order
local last, flows, disorder = {}, 0, 0
function packet (pkt, info)
  local hi, lo = pkt:get(47, 48)
  local seq, f = hi << 8 | lo, info.flow
  if last[f] == nil then flows = flows + 1
  elseif seq <= last[f] then disorder = disorder + 1 end
  last[f] = seq
  io.write(info.worker, " ", f, "\n")
end
function finish ()
  return { flows = flows, disorder = disorder }
end
function merge (results)
  local f, d = 0, 0
  for _, r in ipairs(results) do f, d = f + r.flows, d + r.disorder end
  io.write("flows ", f, " disorder ", d, "\n")
end
