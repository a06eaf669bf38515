-- corpus: which captures the oracle tests read. PKTLUA_CORPUS=generated
-- (the default): the corpus pktgen writes at build time; shared: the real
-- captures of ../shared/captures, or a skip (exit 77, one "SKIP(corpus)"
-- line, which .ci/run accepts) when that folder is absent.
local M = {}

-- returns the directory, and true for the shared corpus
function M.dir()
  if os.getenv("PKTLUA_CORPUS") == "shared" then
    local dir = os.getenv("PKTLUA_SHARED_CAPTURES")
    local probe = dir and io.open(dir .. "/README.md", "rb")
    if not probe then
      print("SKIP(corpus): no shared captures at " .. tostring(dir))
      os.exit(77)
    end
    probe:close()
    return dir, true
  end
  local dir = os.getenv("PKTLUA_GENERATED_CAPTURES")
  local probe = dir and io.open(dir .. "/tcp-long.pcap", "rb")
  assert(probe, "no generated corpus at " .. tostring(dir)
                .. " (cmake --build builds it)")
  probe:close()
  return dir, false
end

return M
