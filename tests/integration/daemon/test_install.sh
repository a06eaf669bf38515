#!/usr/bin/env bash
# After `cmake --install` into a scratch prefix, moved elsewhere (so neither
# the configured prefix nor the source tree can be what is found), pktlua
# finds the layouts and Lua helpers next to itself, and the examples and
# the man page are installed where users look for them.
. "$(dirname "$0")/../lib.sh"
need_pktlua
TMP=$(tmp)
build=$BUILD
src=$SRC
[ -f "$build/cmake_install.cmake" ] || die "$build is not a build tree"
cmake --install "$build" --prefix "$TMP/inst" > "$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log"; bad "cmake --install"; finish; }
mv "$TMP/inst" "$TMP/moved"
inst=$TMP/moved
bin=$inst/bin/pktlua
check "the binary is installed" test -x "$bin"
check "the man page is installed" test -f "$inst/share/man/man1/pktlua.1"
for ex in ttl filter nat anonymize stats; do
  check "example $ex.lua is installed" test -f "$inst/share/doc/pktlua/examples/$ex.lua"
done
(cd / && env -u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_4 -u LUA_CPATH_5_4 \
  "$bin" -q -r "$CAP_RAW_IPV4" -c 1 -e '
  local layout = require "layout"
  local ipv4 = layout.newpointer(require "layouts.ipv4")
  local where = package.searchpath("layouts.ipv4", package.path)
  local helper = package.searchpath("pktlua.ipv4", package.path)
  function packet(pkt, info)
    layout.setpointer(ipv4, pkt, info.l3)
    print(ipv4.version, where, helper)
  end') > "$TMP/out" 2>&1
lmod=$inst/bin/../share/lua/5.4
printf '4\t%s\t%s\n' "$lmod/layouts/ipv4.lua" "$lmod/pktlua/ipv4.lua" > "$TMP/want"
check "installed pktlua loads layouts.ipv4 and pktlua.ipv4 from its own tree" \
  cmp -s "$TMP/want" "$TMP/out"
cmp -s "$TMP/want" "$TMP/out" || cat "$TMP/out"

# an installed example (nat.lua needs layouts.* and pktlua.ipv4), run from
# the installed tree with no Lua environment variable: the same packets out
# as the example in the source tree run from the build tree
cp "$src/captures/ipv4.pcap" "$TMP/in.pcap"
(cd "$inst" && env -u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_4 -u LUA_CPATH_5_4 \
  bin/pktlua -q -r "$TMP/in.pcap" -w "$TMP/installed.pcap" \
    -f share/doc/pktlua/examples/nat.lua -a quiet=1) > "$TMP/nat.err" 2>&1
check "the installed nat.lua runs from the installed tree" test -s "$TMP/installed.pcap"
[ -s "$TMP/installed.pcap" ] || cat "$TMP/nat.err"
"$PKTLUA" -q -r "$TMP/in.pcap" -w "$TMP/built.pcap" \
  -f "$src/lua/examples/nat.lua" -a quiet=1 2>/dev/null
check "installed and built nat.lua write the same packets" \
  cmp -s "$TMP/installed.pcap" "$TMP/built.pcap"
finish
