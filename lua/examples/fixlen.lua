-- fixlen.lua - packets captured short (caplen < len, a small snaplen) made
-- whole again, so that they can be replayed: padded with zeros to their
-- length on the wire, or cut to what was captured with their IP lengths
-- and checksums to match.
--
--   pktlua -r cut.pcap -w out.pcap -f fixlen.lua              -- pad
--   pktlua -r cut.pcap -w out.pcap -f fixlen.lua -a mode=trunc
--
-- Arguments (-a NAME=VALUE):
--   mode=pad    (default) zeros up to the length on the wire, then every
--               checksum over them (tcprewrite --fixlen=pad)
--   mode=trunc  the length on the wire becomes what was captured, and the
--               IP, UDP lengths and the checksums follow
--               (tcprewrite --fixlen=trunc)
--   mode=drop   packets captured short are dropped
--
-- Packets captured whole pass as they are, bad checksums and all: a
-- capture replays as it was but for what had to change.
local pktlua = require "pktlua"

local mode = (arg or {}).mode or "pad"
if mode ~= "pad" and mode ~= "trunc" and mode ~= "drop" then
  error("fixlen.lua: -a mode=" .. mode .. ": pad, trunc or drop", 0)
end
local resize, fixup = pktlua.resize, pktlua.fixup

function packet (pkt, info)
  local len = info.len
  if info.caplen >= len then return end
  if mode == "drop" then return false end
  if mode == "pad" then
    if len > 262144 then return end  -- past any packet pktlua makes
    resize(pkt, len)  -- keeps len - caplen: said captured below
  end
  info.len = #pkt
  fixup(pkt, info)
end
