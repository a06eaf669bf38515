-- memclient.lua: the lua-memory-style client module (memclient.c) and
-- pktlua's installed memory module share memories in one lua5.4.
local memory = require "memory"
local mc = require "memclient"

local m = memory.create("abc")
assert(mc.upper(m) == m and memory.tostring(m) == "ABC")
assert(mc.kind(m) == "fixed")

-- resizable only if both modules call the same luamem_free: one library
-- (libluamemlib, also reached as libluamem) in the process
local r = memory.create()
memory.resize(r, 3, "xyz")
assert(mc.kind(r) == "resizable", mc.kind(r))
assert(mc.kind("abc") == nil)

local j = mc.join("ab", m)
assert(memory.type(j) == "fixed" and memory.tostring(j) == "abABC")

local g = mc.greeting()
assert(memory.type(g) == "other" and memory.tostring(g) == "hello")
assert(not pcall(mc.upper, "a string is not writable"))
print("memclient: ok")
