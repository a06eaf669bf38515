-- testlib: the tiny harness every Lua suite uses.
--
--   local T = require "testlib"
--   T.case("create fixed", function() T.eq(memory.len(m), 8) end)
--   T.errors("bad argument #1", memory.len, 42)
--   os.exit(T.summary())     -- prints "N passed, N failed", exit status
local T = {}

local passed, failed = 0, 0

local function where(level)
  local info = debug.getinfo(level + 1, "Sl")
  return info and (info.short_src .. ":" .. info.currentline) or "?"
end

-- run one named case; an error inside it fails the case
function T.case(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL ", name, "\n  ", tostring(err), "\n")
  end
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function T.eq(got, want, what)
  if got ~= want and not (got ~= got and want ~= want) then
    error(string.format("%s: expected %s, got %s", what or where(2),
                        show(want), show(got)), 2)
  end
end

function T.ok(cond, what)
  if not cond then error((what or where(2)) .. ": assertion failed", 2) end
end

-- calls fn(...) and checks that it raises an error containing `pattern`
-- (a plain substring, not a Lua pattern)
function T.errors(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error(where(2) .. ": expected an error with '" .. pattern .. "'", 2) end
  if not string.find(tostring(err), pattern, 1, true) then
    error(string.format("%s: error %q lacks '%s'", where(2), tostring(err),
                        pattern), 2)
  end
  return err
end

-- n pseudo-random bytes (a string), the same for the same seed
function T.randbytes(n, seed)
  local t, x = {}, seed
  for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x % 256 end
  return string.char(table.unpack(t))
end

-- the whole content of the file at path (a string); errors raise
function T.readfile(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- prints the closing line ctest readers look for; returns the exit status
function T.summary()
  print(string.format("%d passed, %d failed", passed, failed))
  return failed == 0 and passed > 0
end

return T
