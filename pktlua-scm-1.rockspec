-- LuaRocks, from a clone of this tree:  luarocks --lua-version 5.4 make
-- builds and installs the memory, layout and checksum modules (with the
-- memory C API, libluamemlib, beside them) and the Lua files: pktlua.* (with
-- the protocol layouts pktlua.layouts.*, also under their old names layouts.*). The pktlua daemon is not part of the rock: build it with CMake.
rockspec_format = "3.0"
package = "pktlua"
version = "scm-1"
source = {
  url = "git+file://.",   -- built where it is checked out (luarocks make)
}
description = {
  summary = "Memory areas, struct layouts and checksums for Lua 5.4",
  detailed = [[
    memory: lua-memory 2.0's memory areas (fixed, resizable, references),
    with its C API. layout: structs with bit fields and byte order laid
    over memories. checksum: RFC 1071 / RFC 1624 Internet checksums in
    place. pktlua.layouts.*: protocol headers (Ethernet, IPv4, IPv6, TCP,
    UDP, MPLS, GRE, VXLAN...).
  ]],
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
    -- modules and libluamemlib in the rock's lib/, Lua files in its lua/:
    -- what LuaRocks deploys to the tree's cpath and path
    CMAKE_INSTALL_LIBDIR = "lib",
    PKTLUA_LUA_CMOD_DIR = "lib",
    PKTLUA_LUA_LMOD_DIR = "lua",
    PKTLUA_MODULES_ONLY = "ON",
    BUILD_TESTING = "OFF",
    LUA_INCDIR = "$(LUA_INCDIR)",
  },
}
