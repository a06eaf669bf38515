-- bench/lib/report.lua OUTDIR: turns bench/run's raw.csv, checks.csv,
-- heap.csv and machine.txt (in OUTDIR) into results.csv, results.md, the
-- gnuplot data files and plots.gp (run by bench/run: gnuplot plots.gp).
local out = assert(arg[1], "usage: report.lua OUTDIR")

local function readcsv (name)
  local f = io.open(out .. "/" .. name)
  if not f then return {} end
  local header, rows = nil, {}
  for line in f:lines() do
    local fields = {}
    for v in (line .. ","):gmatch("([^,]*),") do fields[#fields + 1] = v end
    if not header then header = fields
    else
      local row = {}
      for i, k in ipairs(header) do row[k] = fields[i] end
      rows[#rows + 1] = row
    end
  end
  f:close()
  return rows
end

local function median (t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  if n == 0 then return 0/0 end
  if n % 2 == 1 then return s[(n + 1) // 2] end
  return (s[n // 2] + s[n // 2 + 1]) / 2
end

local function minmax (t)
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(t) do lo = math.min(lo, v); hi = math.max(hi, v) end
  return lo, hi
end

-- order of appearance, so tables follow the run
local workloads, cases, groups = {}, {}, {}
local seenw, seenc = {}, {}
for _, r in ipairs(readcsv("raw.csv")) do
  if not seenw[r.workload] then seenw[r.workload] = true; workloads[#workloads + 1] = r.workload end
  if not seenc[r.case] then seenc[r.case] = true; cases[#cases + 1] = r.case end
  local key = r.workload .. "/" .. r.case .. "/" .. r.side
  local g = groups[key]
  if not g then
    g = { tool = r.tool, packets = tonumber(r.packets), wall = {}, cpu = {}, rss = {}, failed = 0 }
    groups[key] = g
  end
  local wall, cpu = tonumber(r.wall_s), tonumber(r.user_s) + tonumber(r.sys_s)
  g.wall[#g.wall + 1] = wall
  g.cpu[#g.cpu + 1] = cpu
  g.rss[#g.rss + 1] = tonumber(r.maxrss_kib)
  if r.status ~= "0" then g.failed = g.failed + 1 end
end

local function stats (g)
  if g.s then return g.s end
  local s = { rounds = #g.wall }
  s.wall, s.cpu = median(g.wall), median(g.cpu)
  s.wmin, s.wmax = minmax(g.wall)
  s.cmin, s.cmax = minmax(g.cpu)
  s.pps, s.ppsmin, s.ppsmax = g.packets / s.wall, g.packets / s.wmax, g.packets / s.wmin
  s.rss = median(g.rss)
  g.s = s
  return s
end

local checks, heap = {}, {}
for _, r in ipairs(readcsv("checks.csv")) do checks[r.workload .. "/" .. r.case] = r end
for _, r in ipairs(readcsv("heap.csv")) do heap[r.workload .. "/" .. r.case] = r end

local machine = {}
do
  local f = io.open(out .. "/machine.txt")
  if f then for line in f:lines() do machine[#machine + 1] = line end; f:close() end
end

local peername = {
  copy = "`tcpdump -r F -w O`", empty = "`tcpdump -r F -w O`",
  filter = "`tcpdump -r F -w O 'udp port 53'`", ttl = "`tcprewrite --ttl=-1`",
  bpf = "`tcpdump -r F -w O 'udp port 53'`",
  nat = "`tcprewrite --srcipmap --dstipmap --fixcsum`",
  dnsname = "`tshark -Y 'dns.qry.name matches …'` (the same names, queries only)",
  pcapng = "`editcap -F pcapng F.pcapng O.pcapng`",
  split = "4 × `tcpdump -r F -w O.NAME FILTER`, one after the other",
}
local pktluaname = {
  copy = "`pktlua -r F -w O` (no script)",
  empty = "`pktlua -e 'function packet() return true end'`",
  filter = "`pktlua -f lua/examples/filter.lua`",
  bpf = "`pktlua -f lua/examples/filter.lua 'udp port 53'` (BPF first)", ttl = "`pktlua -f lua/examples/ttl.lua`",
  nat = "`pktlua -f lua/examples/nat.lua`",
  dnsname = "`pktlua -f lua/examples/dnsname.lua -a names=example.com,www.foo.org`",
  pcapng = "`pktlua -r F.pcapng -w O.pcapng` (no script)",
  split = "`pktlua -f lua/examples/split.lua -w tcp=… -w udp=… -w icmp=… -w other=…`",
}
-- CASE-wN: CASE's commands, pktlua's with --workers N
for _, names in ipairs{ peername, pktluaname } do
  setmetatable(names, { __index = function (t, c)
    local base, n = nil, nil
    if type(c) == "string" then base, n = c:match("^(.-)%-w(%d+)$") end
    local name = base and rawget(t, base)
    if name and t == pktluaname then
      name = name:gsub("^`pktlua ", "`pktlua --workers " .. n .. " ", 1)
    end
    return name
  end })
end

-- ---- results.csv ----
local csv = assert(io.open(out .. "/results.csv", "w"))
csv:write("workload,case,side,tool,packets,rounds,failed_runs,wall_median_s,wall_min_s,wall_max_s,",
          "cpu_median_s,cpu_min_s,cpu_max_s,pps_median,pps_min,pps_max,maxrss_median_kib,",
          "wall_ratio_pktlua_over_peer,cpu_ratio_pktlua_over_peer,pps_ratio_pktlua_over_peer\n")
for _, w in ipairs(workloads) do
  for _, c in ipairs(cases) do
    local a, b = groups[w .. "/" .. c .. "/pktlua"], groups[w .. "/" .. c .. "/peer"]
    for _, side in ipairs{ "pktlua", "peer" } do
      local g = side == "pktlua" and a or b
      if g then
        local s = stats(g)
        local wr, cr, pr = "", "", ""
        if a and b then
          local sa, sb = stats(a), stats(b)
          wr = string.format("%.4f", sa.wall / sb.wall)
          cr = string.format("%.4f", sa.cpu / sb.cpu)
          pr = string.format("%.4f", sa.pps / sb.pps)
        end
        csv:write(string.format("%s,%s,%s,%s,%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.0f,%.0f,%.0f,%.0f,%s,%s,%s\n",
          w, c, side, g.tool, g.packets, s.rounds, g.failed, s.wall, s.wmin, s.wmax,
          s.cpu, s.cmin, s.cmax, s.pps, s.ppsmin, s.ppsmax, s.rss, wr, cr, pr))
      end
    end
  end
end
csv:close()

-- ---- results.md ----
local md = {}
local function p (...) md[#md + 1] = table.concat({ ... }) end
local function secs (m, lo, hi) return string.format("%.3f (%.3f–%.3f)", m, lo, hi) end
local function mpps (v) return string.format("%.2f", v / 1e6) end

p("# pktlua vs tcpdump / tcprewrite")
p("")
p("Generated by `bench/run` (see `bench/README.md`); every number is the median of the")
p("rounds, with the minimum–maximum in parentheses. Each round runs pktlua, then the peer,")
p("on the same input (A B A B …); each workload starts with one untimed run of each side. Wall time is")
p("from fork to exit; CPU time is the child's user + system time (`wait4` rusage).")
p("Ratios are pktlua / peer: a wall ratio below 1 or a packets/s ratio above 1 means")
p("pktlua is faster.")
p("")
p("## Machine and run")
p("")
for _, l in ipairs(machine) do p("- ", l) end
p("")

for _, w in ipairs(workloads) do
  p("## Workload `", w, "`")
  p("")
  p("| case | pktlua | peer | wall s pktlua | wall s peer | CPU s pktlua | CPU s peer | Mpps pktlua | Mpps peer | wall ratio | CPU ratio | same work? |")
  p("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
  for _, c in ipairs(cases) do
    local a, b = groups[w .. "/" .. c .. "/pktlua"], groups[w .. "/" .. c .. "/peer"]
    if a and b then
      local sa, sb = stats(a), stats(b)
      local ck = checks[w .. "/" .. c]
      local same = "?"
      if ck then
        same = string.format("%s: %s / %s pkts", ck.verdict, ck.packets_pktlua, ck.packets_peer)
        if ck.verdict ~= "identical" and ck.differ and ck.differ ~= "" and ck.differ ~= "0" then
          same = same .. string.format("; %s differ (byte offset:count %s)", ck.differ, ck.offsets)
        end
      end
      if a.failed + b.failed > 0 then same = same .. string.format(" **%d failed runs**", a.failed + b.failed) end
      p(string.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s |",
        c, pktluaname[c] or c, peername[c] or b.tool, secs(sa.wall, sa.wmin, sa.wmax),
        secs(sb.wall, sb.wmin, sb.wmax), secs(sa.cpu, sa.cmin, sa.cmax), secs(sb.cpu, sb.cmin, sb.cmax),
        mpps(sa.pps), mpps(sb.pps), sa.wall / sb.wall, sa.cpu / sb.cpu, same))
    end
  end
  p("")
  p("![packets/s, ", w, "](pps-", w, ".svg)")
  p("")
end

local function statsof (w, c, side)
  local g = groups[w .. "/" .. c .. "/" .. side]
  return g and stats(g)
end

-- a row for a limit on pktlua's wall time over the peer's (aim: a lower
-- one, optional)
local function limitrow (label, a, b, limit, aim)
  local r = a.wall / b.wall
  return { label, string.format("%.2f× (CPU: %.2f×)", r, a.cpu / b.cpu),
    aim and r <= aim and "met (aim too)" or r <= limit and "met" or
    string.format("missed by %.0f%%", (r / limit - 1) * 100) }
end

-- targets of issue 5, on the 64-byte workload
local function target (w)
  local rows = {}
  local function get (c, side) return statsof(w, c, side) end
  local ttl_a, ttl_b = get("ttl", "pktlua"), get("ttl", "peer")
  if ttl_a and ttl_b then
    local r = ttl_a.pps / ttl_b.pps
    rows[#rows + 1] = { "TTL rewrite: pktlua packets/s ≥ 2× tcprewrite's (aim 3×)",
      string.format("%.2f× (per CPU second: %.2f×)", r, ttl_b.cpu / ttl_a.cpu), r >= 3 and "met (aim too)" or r >= 2 and "met" or
      string.format("missed by %.0f%%", (1 - r / 2) * 100) }
  end
  -- a wall-time limit of 1.5× tcpdump's, aim 1.2×
  local function filterrow (case, label)
    local a, b = get(case, "pktlua"), get(case, "peer")
    if a and b then rows[#rows + 1] = limitrow(label, a, b, 1.5, 1.2) end
  end
  filterrow("filter", "filter: pktlua wall ≤ 1.5× tcpdump's (aim 1.2×)")
  filterrow("bpf", "filter with the BPF expression in front of filter.lua (the same limit)")
  local ea, eb = get("empty", "pktlua"), get("empty", "peer")
  if ea and eb then
    rows[#rows + 1] = limitrow("empty script: ≤ 1.3× tcpdump's copy time", ea, eb, 1.3)
  end
  -- issue 14's: pcapng copy, split into four outputs
  local function ratiorow (case, label, want)
    local a, b = get(case, "pktlua"), get(case, "peer")
    if not (a and b) then return end
    local r = a.pps / b.pps
    rows[#rows + 1] = { label, string.format("%.2f× (per CPU second: %.2f×)", r, b.cpu / a.cpu),
      r >= want and "met" or string.format("missed by %.0f%%", (1 - r / want) * 100) }
  end
  ratiorow("pcapng", "pcapng copy: pktlua packets/s ≥ 3× editcap's (issue 14)", 3)
  ratiorow("split", "split into 4 outputs: ≥ 2× the four tcpdumps together (issue 14)", 2)
  local worst, any = 0, false
  for _, c in ipairs(cases) do
    local h = heap[w .. "/" .. c]
    if h then any = true; worst = math.max(worst, tonumber(h.growth_bytes) or math.huge) end
  end
  if any then
    rows[#rows + 1] = { "Lua heap growth over the whole run: 0 bytes per packet",
      string.format("%.0f bytes in total (worst case)", worst), worst == 0 and "met" or "missed" }
  end
  return rows
end

local tw = seenw.udp64 and "udp64" or workloads[1]
if tw then
  p("## Targets (issue 5, workload `", tw, "`, medians)")
  p("")
  p("| target | measured | |")
  p("| --- | ---: | --- |")
  for _, r in ipairs(target(tw)) do p("| ", r[1], " | ", r[2], " | ", r[3], " |") end
  p("")
  p("![wall-time ratio pktlua/peer](ratio.svg)")
  p("")
end

-- targets of issue 12: filter.lua on info.l4 / info.proto, dnsname.lua
do
  local get = statsof
  local rows = {}
  local a, b = get("udp64", "filter", "pktlua"), get("udp64", "filter", "peer")
  if a and b then
    rows[#rows + 1] = limitrow("filter.lua on `info.l4`/`info.proto` (udp64, one worker): wall ≤ 2.5× tcpdump's `udp port 53`",
      a, b, 2.5)
  end
  for _, w in ipairs{ "udp64", "mixed", "real", "ext6" } do
    local ck = checks[w .. "/filter"]
    if ck then
      local more = w == "ext6"
      local na, nb = tonumber(ck.packets_pktlua) or -1, tonumber(ck.packets_peer) or -1
      rows[#rows + 1] = { string.format("filter.lua keeps %s tcpdump's `udp port 53` (%s)",
          more and "more than" or "the same packets as", w),
        string.format("%d / %d packets", na, nb),
        (more and na > nb or (not more and ck.verdict == "identical")) and "met" or "missed" }
    end
  end
  for _, w in ipairs{ "real", "dns" } do
    local da, db = get(w, "dnsname", "pktlua"), get(w, "dnsname", "peer")
    if da and db then
      local ck = checks[w .. "/dnsname"]
      rows[#rows + 1] = { string.format("dnsname.lua vs tshark's display filter (%s): packets/s ratio", w),
        string.format("%.1f× (%.0f vs %.0f packets/s; per CPU second: %.1f×)", da.pps / db.pps, da.pps, db.pps, db.cpu / da.cpu),
        ck and string.format("%s: %s / %s pkts", ck.verdict, ck.packets_pktlua, ck.packets_peer) or "" }
    end
  end
  if #rows > 0 then
    p("## Targets (issue 12, medians)")
    p("")
    p("| target | measured | |")
    p("| --- | ---: | --- |")
    for _, r in ipairs(rows) do p("| ", r[1], " | ", r[2], " | ", r[3], " |") end
    p("")
    p("Where filter.lua's instructions go, and what would bring it under 2.5×:")
    p("[filter-l4.md](filter-l4.md).")
    p("")
  end
end

p("## Lua heap growth (collector stopped, `bench/lib/heap.lua`)")
p("")
p("| workload | case | packets | heap at first packet KiB | heap at finish KiB | growth bytes | bytes/packet |")
p("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for _, w in ipairs(workloads) do
  for _, c in ipairs(cases) do
    local h = heap[w .. "/" .. c]
    if h then
      p(string.format("| %s | %s | %s | %s | %s | %s | %s |", w, c, h.packets, h.base_kib, h.end_kib,
        h.growth_bytes, h.bytes_per_packet))
    end
  end
end
p("")
-- ---- memory hand-off benchmark (bench/memory/bench_handoff.c) ----
local ways, sizes, handoff = {}, {}, {}
do
  local seenway, seensize = {}, {}
  for _, r in ipairs(readcsv("handoff.csv")) do
    if not seenway[r.way] then seenway[r.way] = true; ways[#ways + 1] = r.way end
    if not seensize[r.bytes] then seensize[r.bytes] = true; sizes[#sizes + 1] = r.bytes end
    local k = r.way .. "/" .. r.bytes
    local h = handoff[k] or { ns = {}, off = {}, on = {}, n = tonumber(r.iterations) }
    handoff[k] = h
    h.ns[#h.ns + 1] = tonumber(r.ns_per_op)
    h.off[#h.off + 1] = tonumber(r.heap_bytes_per_op_gc_off)
    h.on[#h.on + 1] = tonumber(r.heap_bytes_end_gc_on)
  end
end
local whatway = {
  setref = "re-point one reference memory (`luamem_setref`)",
  headref = "re-point it by storing into its head (`luamem_tohead` once, then two stores): the daemon's way",
  copyfixed = "copy into one fixed memory made up front",
  newref = "a new reference memory per packet",
  newfixed = "a new fixed memory per packet (`luamem_newalloc` + copy)",
  string = "a new Lua string per packet (`lua_pushlstring`)",
}
if #ways > 0 then
  p("## Memory hand-off (`bench/memory/bench_handoff.c`)")
  p("")
  p("Six ways for C to hand a packet's bytes to a Lua function, ", #handoff[ways[1] .. "/" .. sizes[1]].ns,
    " rounds of ", handoff[ways[1] .. "/" .. sizes[1]].n, " hand-offs each (median, min–max). Heap with the")
  p("collector stopped: bytes allocated per hand-off; with it running: bytes left after the run and")
  p("a full collection (≤ 0: nothing retained).")
  p("")
  p("| way | bytes | ns per hand-off | heap B/hand-off, collector off | heap B left, collector on |")
  p("| --- | ---: | ---: | ---: | ---: |")
  for _, sz in ipairs(sizes) do
    for _, w in ipairs(ways) do
      local h = handoff[w .. "/" .. sz]
      if h then
        local lo, hi = minmax(h.ns)
        p(string.format("| %s — %s | %s | %.1f (%.1f–%.1f) | %.1f | %.0f |", w, whatway[w] or "", sz,
          median(h.ns), lo, hi, median(h.off), median(h.on)))
      end
    end
  end
  p("")
  p("![hand-off time](handoff-time.svg) ![hand-off heap](handoff-heap.svg)")
  p("")
end

p("Every byte difference in the \"same work?\" column is explained in")
p("[differences.md](differences.md) (tcprewrite's UDP checksum 0, its IP length over Ethernet")
p("padding, TTL ≤ 1). The profile behind these numbers: [../performance.md](../performance.md).")
p("")
p("Raw data: `raw.csv` (every run), `results.csv` (medians), `checks.csv` (output comparison),")
p("`heap.csv`, `handoff.csv`; plots: `pps-*.svg|png`, `ratio.svg|png`, `handoff-*.svg|png`")
p("(`gnuplot plots.gp` redraws them).")

local f = assert(io.open(out .. "/results.md", "w"))
f:write(table.concat(md, "\n"), "\n")
f:close()

-- ---- gnuplot data + script ----
for _, w in ipairs(workloads) do
  local d = assert(io.open(out .. "/pps-" .. w .. ".dat", "w"))
  d:write("# case pktlua_Mpps min max peer_Mpps min max\n")
  for _, c in ipairs(cases) do
    local a, b = groups[w .. "/" .. c .. "/pktlua"], groups[w .. "/" .. c .. "/peer"]
    if a and b then
      local sa, sb = stats(a), stats(b)
      d:write(string.format("%s %.4f %.4f %.4f %.4f %.4f %.4f\n", c, sa.pps / 1e6, sa.ppsmin / 1e6,
        sa.ppsmax / 1e6, sb.pps / 1e6, sb.ppsmin / 1e6, sb.ppsmax / 1e6))
    end
  end
  d:close()
end
do
  local d = assert(io.open(out .. "/ratio.dat", "w"))
  d:write("# case", (" %s"):rep(#workloads):format(table.unpack(workloads)), "  (wall ratio pktlua/peer)\n")
  for _, c in ipairs(cases) do
    local row = { c }
    for _, w in ipairs(workloads) do
      local a, b = groups[w .. "/" .. c .. "/pktlua"], groups[w .. "/" .. c .. "/peer"]
      row[#row + 1] = (a and b) and string.format("%.4f", stats(a).wall / stats(b).wall) or "NaN"
    end
    d:write(table.concat(row, " "), "\n")
  end
  d:close()
end

local gp = {}
local function g (...) gp[#gp + 1] = table.concat({ ... }) end
g("# written by bench/lib/report.lua; run in this directory: gnuplot plots.gp")
g("set style data histogram")
g("set style histogram errorbars gap 2 lw 1")
g("set style fill solid 0.8 border -1")
g("set boxwidth 0.9")
g("set grid ytics")
g("set key outside top center horizontal")
g("set yrange [0:*]")
g("set ylabel 'million packets/s (median, bars: min-max)'")
for _, w in ipairs(workloads) do
  for _, term in ipairs{ { "svg", "svg size 800,450 dynamic font 'sans,12'" },
                         { "png", "pngcairo size 800,450 font 'sans,10'" } } do
    g("set terminal ", term[2])
    g("set output 'pps-", w, ".", term[1], "'")
    g("set title 'pktlua vs peer, workload ", w, "'")
    g("plot 'pps-", w, ".dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', ",
      "'' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'")
  end
end
g("set style histogram clustered gap 2")
g("set yrange [0:1.6<*]")
g("set ylabel 'wall time pktlua / peer (median; < 1: pktlua faster)'")
g("set title 'wall-time ratio pktlua / peer; red dashes: the limits of issue 5'")
g("set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb 'black' lw 1")
-- a limit is drawn over its own case only: histogram clusters sit at x = 0, 1, ...
local limits = { empty = 1.3, filter = 1.5, bpf = 1.5, ttl = 0.5 }
for i, c in ipairs(cases) do
  if limits[c] then
    g(string.format("set arrow %d from first %g, first %g to first %g, first %g nohead front dt 2 lw 2 lc rgb 'red'",
                    i + 1, i - 1.45, limits[c], i - 0.55, limits[c]))
  end
end
for _, term in ipairs{ { "svg", "svg size 800,450 dynamic font 'sans,12'" },
                       { "png", "pngcairo size 800,450 font 'sans,10'" } } do
  g("set terminal ", term[2])
  g("set output 'ratio.", term[1], "'")
  local parts = {}
  for i, w in ipairs(workloads) do
    parts[#parts + 1] = string.format("'ratio.dat' using %d%s title '%s'", i + 1,
                                      i == 1 and ":xtic(1)" or "", w)
  end
  g("plot ", table.concat(parts, ", "))
end
if #ways > 0 then
  local d = assert(io.open(out .. "/handoff.dat", "w"))
  d:write("# way")
  for _, sz in ipairs(sizes) do
    d:write(string.format(" ns_%s min max off_%s on_per_op_%s", sz, sz, sz))
  end
  d:write("\n")
  for _, w in ipairs(ways) do
    d:write(w)
    for _, sz in ipairs(sizes) do
      local h = handoff[w .. "/" .. sz]
      local lo, hi = minmax(h.ns)
      d:write(string.format(" %.2f %.2f %.2f %.2f %.4f", median(h.ns), lo, hi, median(h.off),
                            median(h.on) / h.n))
    end
    d:write("\n")
  end
  d:close()
  g("unset arrow")
  g("set yrange [0:*]")
  for _, term in ipairs{ { "svg", "svg size 800,450 dynamic font 'sans,12'" },
                         { "png", "pngcairo size 800,450 font 'sans,10'" } } do
    g("set terminal ", term[2])
    g("set style histogram errorbars gap 2 lw 1")
    g("set output 'handoff-time.", term[1], "'")
    g("set title 'memory hand-off: C gives a packet to a Lua function'")
    g("set ylabel 'ns per hand-off (median, bars: min-max)'")
    local parts = {}
    for i, sz in ipairs(sizes) do
      local c = 2 + (i - 1) * 5
      parts[#parts + 1] = string.format("'handoff.dat' using %d:%d:%d%s title '%s bytes'", c, c + 1, c + 2,
                                        i == 1 and ":xtic(1)" or "", sz)
    end
    g("plot ", table.concat(parts, ", "))
    g("set style histogram clustered gap 2")
    g("set output 'handoff-heap.", term[1], "'")
    g("set title 'memory hand-off: Lua heap per hand-off'")
    g("set ylabel 'bytes per hand-off'")
    g("set yrange [*:*]")
    parts = {}
    for i, sz in ipairs(sizes) do
      local c = 2 + (i - 1) * 5
      parts[#parts + 1] = string.format("'handoff.dat' using %d%s title 'collector off, %s B (allocated)'", c + 3,
                                        i == 1 and ":xtic(1)" or "", sz)
      parts[#parts + 1] = string.format("'handoff.dat' using %d title 'collector on, %s B (retained)'", c + 4, sz)
    end
    g("plot ", table.concat(parts, ", "))
    g("set yrange [0:*]")
  end
end

local gf = assert(io.open(out .. "/plots.gp", "w"))
gf:write(table.concat(gp, "\n"), "\n")
gf:close()
