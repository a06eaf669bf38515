-- dup.lua - mirror a share of the traffic to a second output: every packet
-- passes to the default output as it is, and a copy of a given share of
-- them goes to another output too (a monitoring tap, a sample for an IDS,
-- a file to look at later).
--
--   pktlua -r in.pcap -f lua/examples/dup.lua -a share=10 \
--          -w all.pcap -w mirror=sample.pcapng
--   pktlua -i eth0 -f dup.lua -a share=1 -o eth0 -o mirror=eth1
--   pktlua -r in.pcap -f dup.lua -a to=default -w doubled.pcap
--
-- Arguments (-a NAME=VALUE):
--   share=P    the percentage of packets mirrored, 0 to 100 (two decimals
--              count: 12.5 is one packet in eight); default 100
--   to=NAME    the output the copies go to (default mirror); to=default
--              writes each chosen packet twice to the default output
--   quiet=1    no summary at the end (one line, whatever --workers says:
--              each worker's finish() returns its counts, merge() adds
--              them up)
--
-- The share is kept exactly and spread evenly: a counter adds P for each
-- packet and mirrors one whenever it passes 100, so share=25 mirrors
-- packets 4, 8, 12, ... The copy is pktlua.emit(pkt, to): written at once,
-- before the packet itself, with its timestamp; nothing is allocated per
-- packet. With --workers N each worker keeps the share of the packets it
-- sees: other packets are chosen than with one worker (but with share=100
-- or 0), and the total can differ by a packet per worker.
local args = arg or {}
local to = args.to or "mirror"
local quiet = args.quiet == "1"
local share = tonumber(args.share or "100")
if share == nil or share < 0 or share > 100 then
  error("dup.lua: share=" .. tostring(args.share) .. " is not a percentage in 0..100", 0)
end
local step = math.floor(share * 100 + 0.5)  -- hundredths of a percent
local emit = pktlua.emit

local acc, seen, mirrored = 0, 0, 0

function packet (pkt)
  seen = seen + 1
  acc = acc + step
  if acc >= 10000 then
    acc = acc - 10000
    emit(pkt, to)
    mirrored = mirrored + 1
  end
  return true
end

-- the counters, from each worker's state to merge's
function finish ()
  return { seen = seen, mirrored = mirrored }
end

-- the one summary, whatever --workers says: results[w] is worker w's
-- counters; merge runs in a fresh state, whose counters are all 0
function merge (results)
  for w = 1, results.n do
    local r = results[w]
    if r then seen, mirrored = seen + r.seen, mirrored + r.mirrored end
  end
  if not quiet then
    io.stderr:write(("dup.lua: %d of %d packets mirrored to %s\n"):format(
      mirrored, seen, to))
  end
end
