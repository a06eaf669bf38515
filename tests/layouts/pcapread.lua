-- pcapread: a small pure-Lua reader of pcap and pcapng files, so the oracle
-- tests see the packets independently of libpcap and of pktlua's daemon.
--
--   for frame, data, linktype, len in pcapread.packets(path) do ... end
--
-- `frame` counts from 1 as tshark's frame.number does; `data` is the
-- captured bytes (a string), `len` the original length. Errors raise.
local M = {}

local unpack = string.unpack

local readall = require("testlib").readfile

-- classic pcap: 24-byte header, then 16-byte record headers
local function pcap(s, yield)
  local magic = unpack("<I4", s, 1)
  local e
  if magic == 0xa1b2c3d4 or magic == 0xa1b23c4d then e = "<"
  elseif magic == 0xd4c3b2a1 or magic == 0x4d3cb2a1 then e = ">"
  else error("not a pcap file") end
  local linktype = unpack(e .. "I4", s, 21) & 0x0fffffff
  local pos, frame = 25, 0
  while pos + 16 <= #s + 1 do
    local _, _, caplen, len = unpack(e .. "I4I4I4I4", s, pos)
    pos = pos + 16
    if pos + caplen > #s + 1 then error("truncated record") end
    frame = frame + 1
    yield(frame, s:sub(pos, pos + caplen - 1), linktype, len)
    pos = pos + caplen
  end
end

-- pcapng: section header, interface descriptions, enhanced/simple packets
local function pcapng(s, yield)
  local pos, frame, e = 1, 0, "<"
  local ifaces = {}
  while pos + 12 <= #s + 1 do
    local btype = unpack(e .. "I4", s, pos)
    if btype == 0x0a0d0d0a then  -- byte order of this section
      local bom = unpack("<I4", s, pos + 8)
      e = (bom == 0x1a2b3c4d) and "<" or ">"
      ifaces = {}
    end
    local blen = unpack(e .. "I4", s, pos + 4)
    if blen < 12 or pos + blen > #s + 1 then error("bad pcapng block") end
    local body = pos + 8
    if btype == 1 then
      ifaces[#ifaces + 1] = unpack(e .. "I2", s, body)
    elseif btype == 6 then
      local id, _, _, caplen, len = unpack(e .. "I4I4I4I4I4", s, body)
      frame = frame + 1
      yield(frame, s:sub(body + 20, body + 19 + caplen),
            assert(ifaces[id + 1], "unknown interface"), len)
    elseif btype == 3 then
      local len = unpack(e .. "I4", s, body)
      local caplen = math.min(len, blen - 16)
      frame = frame + 1
      yield(frame, s:sub(body + 4, body + 3 + caplen), ifaces[1], len)
    end
    pos = pos + blen
  end
end

function M.packets(path)
  local s = readall(path)
  local reader = (#s >= 4 and unpack("<I4", s, 1) == 0x0a0d0d0a) and pcapng
                 or pcap
  return coroutine.wrap(function() reader(s, coroutine.yield) end)
end

return M
