-- sll2eth.lua - Linux cooked captures (tcpdump -i any: SLL, and SLL2)
-- made Ethernet, so that they can be replayed on an interface or read by
-- tools that want Ethernet.
--
--   pktlua -r any.pcap -w eth.pcap -f lua/examples/sll2eth.lua
--   pktlua -r any.pcap -o eth1 -f sll2eth.lua -a peer=52:54:00:12:34:56
--
-- Arguments (-a NAME=VALUE), MACs as aa:bb:cc:dd:ee:ff:
--   us=MAC     this host's address: the destination of what came to it,
--              the source of what it sent when the header has none
--              (default 02:00:00:00:00:01)
--   peer=MAC   the other end's: the destination of what this host sent
--              and of what it saw pass to others, the source of what came
--              when the header has none (default 02:00:00:00:00:02)
--   smac=MAC, dmac=MAC  every frame's source, destination, whatever the
--              header says (tcprewrite --enet-smac, --enet-dmac)
--   quiet=1    no summary at the end (one line, whatever --workers says:
--              each worker's finish() returns its count, merge() adds
--              them up)
--
-- The cooked header's address is the sender's (packet(7)): it becomes the
-- Ethernet source when it is a MAC (6 bytes long; a loopback's six zeros
-- count as one); a header without one (none on a tun or PPP device,
-- IPoIB's 20 bytes) takes us or peer by the packet type: sent by this
-- host (4), or not. The destination follows the packet type too: us (0,
-- to this host), ff:ff:ff:ff:ff:ff (1, broadcast), the group's MAC for
-- IPv4 and IPv6 multicast (2, else peer), peer (3 and 4). The protocol is
-- the ethertype; 802.2 LLC (4) and Novell's raw 802.3 (1) frames become
-- 802.3 frames with their length; other protocols (CAN, ...) have no
-- Ethernet form: those packets are dropped and counted, as are records
-- cut inside the cooked header. Ethernet input passes as it is. Lengths
-- and checksums of IP do not change; frames are not padded to 60 bytes.
local pktlua = require "pktlua"

local args = arg or {}

-- a MAC argument: its six bytes, a table made once
local function mac (name, default)
  local v = args[name] or default
  if v == nil then return nil end
  local t = {}
  for h in v:gmatch("[^:%-]+") do t[#t + 1] = tonumber(h, 16) end
  if #t ~= 6 or not v:match("^%x%x?[:%-]%x%x?[:%-]%x%x?[:%-]%x%x?[:%-]%x%x?[:%-]%x%x?$") then
    error("sll2eth.lua: -a " .. name .. "=" .. v .. ": not a MAC (aa:bb:cc:dd:ee:ff)", 0)
  end
  return t
end
local us, peer = mac("us", "02:00:00:00:00:01"), mac("peer", "02:00:00:00:00:02")
local smac, dmac = mac("smac"), mac("dmac")
local quiet = args.quiet == "1"
local bcast = {255, 255, 255, 255, 255, 255}

pktlua.linktype(1)
local remove = pktlua.remove
local dropped = 0

-- the destination by packet type; multicast: the IP group's MAC (RFC 1112
-- 6.4, RFC 2464 7), written at 1 of pkt whose IP header is at l3
local function setdst (pkt, ptype, proto, l3)
  local d = dmac or ptype == 0 and us or ptype == 1 and bcast or peer
  if ptype == 2 and not dmac and #pkt >= l3 + 39 then
    if proto == 0x0800 then
      local b, c, e = pkt:get(l3 + 17, l3 + 19)
      return pkt:set(1, 0x01, 0x00, 0x5e, b & 0x7f, c, e)
    elseif proto == 0x86dd then
      return pkt:set(1, 0x33, 0x33, pkt:get(l3 + 36, l3 + 39))
    end
  end
  pkt:set(1, d[1], d[2], d[3], d[4], d[5], d[6])
end

local function get16 (pkt, i) return pkt:get(i) << 8 | pkt:get(i + 1) end

function packet (pkt, info)
  local lt, hl, ptype, alen, proto = info.linktype, nil, nil, nil, nil
  if lt == 113 and #pkt >= 16 then      -- SLL: type, hatype, alen, addr, proto
    hl, ptype, alen, proto = 16, get16(pkt, 1), get16(pkt, 5), get16(pkt, 15)
  elseif lt == 276 and #pkt >= 20 then  -- SLL2: proto, ..., type, alen, addr
    hl, ptype, alen, proto = 20, pkt:get(11), pkt:get(12), get16(pkt, 1)
  elseif lt == 1 then
    return true
  else
    dropped = dropped + 1
    return false
  end
  local len8023 = #pkt - hl
  if proto < 0x0600 and (proto ~= 1 and proto ~= 4 or len8023 > 1500) then
    dropped = dropped + 1
    return false
  end
  -- the header's MAC to where the Ethernet source will be once the header
  -- is 14 bytes long: SLL2's is there already (13..18, less 6)
  local s = smac or alen ~= 6 and (ptype == 4 and us or peer)
  if hl == 16 then
    if not s then pkt:set(9, pkt:get(7, 12)) end
    remove(pkt, 1, 2)
  else
    remove(pkt, 1, 6)
  end
  if s then pkt:set(7, s[1], s[2], s[3], s[4], s[5], s[6]) end
  setdst(pkt, ptype, proto, 15)
  if proto < 0x0600 then proto = len8023 end
  pkt:set(13, proto >> 8, proto & 255)
  return true
end

-- the count, from each worker's state to merge's
function finish ()
  return { dropped = dropped }
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- count; merge runs in a fresh state, whose count is 0
function merge (results)
  for w = 1, results.n do
    local r = results[w]
    if r then dropped = dropped + r.dropped end
  end
  if not quiet and dropped > 0 then
    io.stderr:write(("sll2eth.lua: %d packets dropped (no Ethernet form, "
                     .. "or cut in the cooked header)\n"):format(dropped))
  end
end
