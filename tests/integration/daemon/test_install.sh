#!/usr/bin/env bash
# After `cmake --install` (here into a scratch prefix, so the installed
# tree is also moved from the configured one), pktlua finds the layouts and
# Lua helpers next to itself, and the man page is installed.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
build=$BUILD
[ -f "$build/cmake_install.cmake" ] || die "$build is not a build tree"
cmake --install "$build" --prefix "$TMP/inst" > "$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log"; bad "cmake --install"; finish; }
bin=$TMP/inst/bin/pktlua
check "the binary is installed" test -x "$bin"
check "the man page is installed" test -f "$TMP/inst/share/man/man1/pktlua.1"
(cd / && "$bin" -q -r "$CAP_RAW_IPV4" -c 1 -e '
  local layout = require "layout"
  local ipv4 = layout.newpointer(require "layouts.ipv4")
  local where = package.searchpath("layouts.ipv4", package.path)
  function packet(pkt, info)
    layout.setpointer(ipv4, pkt, info.l3)
    print(ipv4.version, where)
  end') > "$TMP/out" 2>&1
check "installed pktlua loads layouts.ipv4 from its own tree" \
  test "$(cat "$TMP/out")" = "$(printf '4\t%s' "$TMP/inst/bin/../share/lua/5.4/layouts/ipv4.lua")"
finish
