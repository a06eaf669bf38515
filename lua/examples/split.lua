-- split.lua - one output per protocol: each packet goes to the -w output
-- named after its transport protocol, and every packet also to the
-- default output when there is one.
--
--   pktlua -r captures/ipv4.pcap -f lua/examples/split.lua \
--          -w tcp=tcp.pcap -w udp=udp.pcap -w icmp=icmp.pcap \
--          -w other=other.pcapng
--   pktlua -r in.pcapng -f split.lua -a all=1 -w all.pcapng -w tcp=... ...
--
-- Outputs (-w NAME=FILE), each needed when such packets come:
--   tcp, udp     TCP and UDP over IPv4 or IPv6
--   icmp         ICMP and ICMPv6
--   other        the rest: other protocols, non-IP, truncated IP headers
-- A packet of a protocol with no output is reported once ("no output
-- named ...", repeats counted) and not written. The script's verdict
-- is the output's name (return "tcp"), or with -a all=1 a list that adds
-- the default output ({"tcp", "default"}): the -w FILE without a name.
--
-- The protocol is the IPv4 protocol field or the IPv6 next header right
-- after the fixed header (no extension headers are walked).
local all = arg.all == "1"

local names = { [6] = "tcp", [17] = "udp", [1] = "icmp", [58] = "icmp" }
-- the verdicts, made once: returning them allocates nothing per packet
local verdict = {}
for _, n in ipairs{ "tcp", "udp", "icmp", "other" } do
  verdict[n] = all and { n, "default" } or n
end

function packet (pkt, info)
  local l3, proto = info.l3, nil
  if info.ipversion == 4 and info.caplen >= l3 + 9 then
    proto = pkt:get(l3 + 9)
  elseif info.ipversion == 6 and info.caplen >= l3 + 6 then
    proto = pkt:get(l3 + 6)
  end
  return verdict[names[proto] or "other"]
end
